//! The 居民公约: numbered articles in versions. Residents propose amendments to the version in
//! force with their reasons; staff accept or reject each with a reason; a draft gathers the
//! accepted ones with a changelog; the subdistrict reviews it; a community vote under at least
//! the statutory rule adopts it; once filed it is in force and the old version superseded.

use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id};
use canglong_governance::conventions::{
    self as domain, Amendment, AmendmentKind, AmendmentStatus, Article, ConventionStatus,
    VersionStatus,
};
use canglong_persistence::conventions::{self as store, AmendmentRow, ConventionRow, VersionRow};
use canglong_persistence::{AnyConnection, Id, Stored, people, to_json_text};

use crate::ORGANISERS;
use crate::error::{Error, Result};

/// The articles of a stored version.
pub fn articles(v: &VersionRow) -> Vec<Article> {
    let pairs: Vec<(i32, String)> = serde_json::from_str(&v.articles).unwrap_or_default();
    pairs
        .into_iter()
        .map(|(number, text)| Article { number, text })
        .collect()
}

fn articles_text(a: &[Article]) -> String {
    let pairs: Vec<(i32, &str)> = a.iter().map(|x| (x.number, x.text.as_str())).collect();
    to_json_text(&pairs)
}

/// A new version as drafted: its articles and changelog, nothing reviewed, voted or filed yet.
fn version_of(
    c: &ConventionRow,
    version: i32,
    text: &[Article],
    log: &[String],
    actor: &Actor,
    at: NaiveDateTime,
) -> VersionRow {
    VersionRow {
        convention_id: c.id,
        version,
        community_id: c.community_id,
        articles: articles_text(text),
        changelog: to_json_text(log),
        status: Stored(VersionStatus::Drafted),
        created_by: Id(actor.user_id),
        created_at: at,
        reviewed_by: None,
        reviewed_at: None,
        review_comment: None,
        poll_id: None,
        filed_by: None,
        filed_at: None,
        filing_reference: None,
        in_force_from: None,
    }
}

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<ConventionRow> {
    store::convention(conn, community, id)?.ok_or_else(|| Error::not_found("convention"))
}

fn locked(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<ConventionRow> {
    store::lock(conn, community, id)?.ok_or_else(|| Error::not_found("convention"))
}

/// The version in force.
pub fn in_force(conn: &mut AnyConnection, c: &ConventionRow) -> Result<VersionRow> {
    store::version(conn, c.id.0, c.version)?
        .ok_or_else(|| Error::bug("convention without its version"))
}

/// The draft on its way, if any (the latest version after the one in force, still moving).
pub fn draft_of(conn: &mut AnyConnection, c: &ConventionRow) -> Result<Option<VersionRow>> {
    Ok(store::versions(conn, c.id.0)?.into_iter().rev().find(|v| {
        v.version > c.version
            && matches!(
                v.status.get(),
                VersionStatus::Drafted
                    | VersionStatus::Reviewed
                    | VersionStatus::Voting
                    | VersionStatus::Adopted
            )
    }))
}

/// Staff record the convention in force: its articles become version 1.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    title: &str,
    text: Vec<Article>,
    at: NaiveDateTime,
) -> Result<ConventionRow> {
    create_with_id(conn, actor, new_id(), title, text, at)
}

/// [`create`] with the id given (the demo's).
pub fn create_with_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    title: &str,
    text: Vec<Article>,
    at: NaiveDateTime,
) -> Result<ConventionRow> {
    actor.require(&ORGANISERS)?;
    domain::check_articles(&text)?;
    let c = ConventionRow {
        id: Id(id),
        community_id: Id(actor.community_id),
        title: title.to_owned(),
        status: Stored(ConventionStatus::InForce),
        version: 1,
        created_by: Id(actor.user_id),
        created_at: at,
    };
    let mut v = version_of(&c, 1, &text, &["录入现行公约".into()], actor, at);
    v.status = Stored(VersionStatus::InForce);
    v.in_force_from = Some(at);
    store::insert(conn, &c, &v)?;
    Ok(c)
}

fn amendment_of(a: &AmendmentRow) -> Amendment {
    Amendment {
        kind: a.kind.get(),
        article: a.article,
        text: a.text.clone(),
    }
}

/// An amendment as a resident proposes it.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: AmendmentKind,
    pub article: i32,
    pub text: String,
    pub reason: String,
}

/// A resident proposes an amendment to the version in force, with the reason; the convention
/// starts collecting them.
pub fn amend(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    p: Proposal,
    at: NaiveDateTime,
) -> Result<AmendmentRow> {
    actor.require(&[Role::Resident])?;
    let mut c = locked(conn, actor.community_id, id)?;
    let to = domain::may_amend(c.status.get())?;
    let current = in_force(conn, &c)?;
    let a = Amendment {
        kind: p.kind,
        article: if p.kind == AmendmentKind::Add {
            0
        } else {
            p.article
        },
        text: p.text,
    };
    domain::check_amendment(&articles(&current), &a)?;
    let row = AmendmentRow {
        id: Id(new_id()),
        convention_id: c.id,
        community_id: c.community_id,
        kind: Stored(a.kind),
        article: a.article,
        text: a.text,
        reason: p.reason,
        proposed_by: Id(actor.user_id),
        status: Stored(AmendmentStatus::Pending),
        decision_reason: None,
        decided_by: None,
        decided_at: None,
        version: None,
        created_at: at,
    };
    store::insert_amendment(conn, &row)?;
    if c.status.get() != to {
        c.status = Stored(to);
        store::save(conn, &c)?;
    }
    Ok(row)
}

/// Staff accept or reject an amendment while amendments are collected, always with a reason.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    amendment: Uuid,
    accept: bool,
    reason: &str,
    at: NaiveDateTime,
) -> Result<AmendmentRow> {
    actor.require(&ORGANISERS)?;
    let a = store::amendment(conn, actor.community_id, amendment)?
        .ok_or_else(|| Error::not_found("amendment"))?;
    let c = locked(conn, actor.community_id, a.convention_id.0)?;
    domain::advance(
        c.status.get(),
        ConventionStatus::Collecting,
        ConventionStatus::Collecting,
    )?;
    let mut a = store::amendment(conn, actor.community_id, amendment)?
        .ok_or_else(|| Error::not_found("amendment"))?;
    if a.status.get() != AmendmentStatus::Pending {
        return Err(Error::conflict(
            "already_decided",
            "the amendment is already decided",
        ));
    }
    if accept {
        let accepted: Vec<Amendment> = store::amendments(conn, c.id.0)?
            .iter()
            .filter(|x| x.status.get() == AmendmentStatus::Accepted)
            .map(amendment_of)
            .collect();
        domain::may_accept(&accepted, &amendment_of(&a))?;
    }
    a.status = Stored(if accept {
        AmendmentStatus::Accepted
    } else {
        AmendmentStatus::Rejected
    });
    a.decision_reason = Some(reason.to_owned());
    a.decided_by = Some(Id(actor.user_id));
    a.decided_at = Some(at);
    store::save_amendment(conn, &a)?;
    Ok(a)
}

/// Staff draw up the next version from the accepted amendments once none is pending.
pub fn draft(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<VersionRow> {
    actor.require(&ORGANISERS)?;
    let mut c = locked(conn, actor.community_id, id)?;
    let to = domain::advance(
        c.status.get(),
        ConventionStatus::Collecting,
        ConventionStatus::Drafted,
    )?;
    let all = store::amendments(conn, id)?;
    if all
        .iter()
        .any(|a| a.status.get() == AmendmentStatus::Pending)
    {
        return Err(Error::conflict(
            "amendments_pending",
            "every amendment is accepted or rejected before the draft",
        ));
    }
    let accepted: Vec<&AmendmentRow> = all
        .iter()
        .filter(|a| a.status.get() == AmendmentStatus::Accepted)
        .collect();
    let current = in_force(conn, &c)?;
    let (text, log) = domain::draft(
        &articles(&current),
        &accepted.iter().map(|a| amendment_of(a)).collect::<Vec<_>>(),
    )?;
    let next = store::versions(conn, id)?
        .last()
        .map_or(1, |v| v.version + 1);
    let v = version_of(&c, next, &text, &log, actor, at);
    store::insert_version(conn, &v)?;
    for a in accepted {
        let mut a = a.clone();
        a.status = Stored(AmendmentStatus::Drafted);
        a.version = Some(next);
        store::save_amendment(conn, &a)?;
    }
    c.status = Stored(to);
    store::save(conn, &c)?;
    Ok(v)
}

/// A subdistrict admin of the convention's subdistrict.
fn subdistrict_lock(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<ConventionRow> {
    actor.require(&[Role::SubdistrictAdmin])?;
    let community = reach(conn, actor, id)?;
    locked(conn, community, id)
}

/// The community of a convention the caller reaches: their own, or — a subdistrict admin — any
/// community of their subdistrict. Anything else is 404, as if it did not exist.
fn reach(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<Uuid> {
    let community = store::community_of(conn, id)?.ok_or_else(|| Error::not_found("convention"))?;
    let ok = community == actor.community_id
        || (actor.has(Role::SubdistrictAdmin)
            && people::same_subdistrict(conn, actor.community_id, community)?);
    if ok {
        Ok(community)
    } else {
        Err(Error::not_found("convention"))
    }
}

/// A convention the caller may read (see [`reach`]).
pub fn readable(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<ConventionRow> {
    let community = reach(conn, actor, id)?;
    found(conn, community, id)
}

/// The subdistrict reviews the draft: approved, it goes to the vote; returned, the convention
/// collects amendments again (the draft's accepted amendments wait for the next draft).
pub fn review(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    comment: &str,
    at: NaiveDateTime,
) -> Result<ConventionRow> {
    let mut c = subdistrict_lock(conn, actor, id)?;
    let to = if approve {
        ConventionStatus::Reviewed
    } else {
        ConventionStatus::Collecting
    };
    domain::advance(c.status.get(), ConventionStatus::Drafted, to)?;
    let mut v = draft_of(conn, &c)?.ok_or_else(|| Error::bug("drafted without a draft"))?;
    v.status = Stored(if approve {
        VersionStatus::Reviewed
    } else {
        VersionStatus::Returned
    });
    v.reviewed_by = Some(Id(actor.user_id));
    v.reviewed_at = Some(at);
    v.review_comment = Some(comment.to_owned());
    store::save_version(conn, &v)?;
    if !approve {
        for mut a in store::amendments(conn, id)?
            .into_iter()
            .filter(|a| a.version == Some(v.version))
        {
            a.status = Stored(AmendmentStatus::Accepted);
            a.version = None;
            store::save_amendment(conn, &a)?;
        }
    }
    c.status = Stored(to);
    store::save(conn, &c)?;
    Ok(c)
}

/// A poll opens on the reviewed draft (called by the poll's creation, under its transaction).
pub(crate) fn open_vote(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    poll: Uuid,
) -> Result<()> {
    let mut c = store::lock(conn, community, id)?
        .ok_or_else(|| Error::unprocessable("unknown_subject", "no such convention here"))?;
    let to = domain::advance(
        c.status.get(),
        ConventionStatus::Reviewed,
        ConventionStatus::Voting,
    )?;
    let mut v = draft_of(conn, &c)?.ok_or_else(|| Error::bug("reviewed without a draft"))?;
    v.status = Stored(VersionStatus::Voting);
    v.poll_id = Some(Id(poll));
    store::save_version(conn, &v)?;
    c.status = Stored(to);
    store::save(conn, &c)?;
    Ok(())
}

/// The vote's published outcome: adopted (to be filed) or not (the version in force stays).
pub(crate) fn decided(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    adopted: bool,
    _at: NaiveDateTime,
) -> Result<()> {
    let mut c = locked(conn, community, id)?;
    if c.status.get() != ConventionStatus::Voting {
        return Ok(());
    }
    let mut v = draft_of(conn, &c)?.ok_or_else(|| Error::bug("voting without a draft"))?;
    v.status = Stored(if adopted {
        VersionStatus::Adopted
    } else {
        VersionStatus::NotAdopted
    });
    store::save_version(conn, &v)?;
    c.status = Stored(if adopted {
        ConventionStatus::Adopted
    } else {
        ConventionStatus::InForce
    });
    store::save(conn, &c)?;
    Ok(())
}

/// 备案: the adopted version is filed (by the community's admin reporting it, or the
/// subdistrict's) and comes into force; the one before is superseded.
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reference: &str,
    at: NaiveDateTime,
) -> Result<ConventionRow> {
    let mut c = if actor.has(Role::SubdistrictAdmin) {
        subdistrict_lock(conn, actor, id)?
    } else {
        actor.require(&[Role::CommunityAdmin, Role::SubdistrictAdmin])?;
        locked(conn, actor.community_id, id)?
    };
    let to = domain::advance(
        c.status.get(),
        ConventionStatus::Adopted,
        ConventionStatus::InForce,
    )?;
    let mut v = draft_of(conn, &c)?.ok_or_else(|| Error::bug("adopted without a draft"))?;
    let mut old = in_force(conn, &c)?;
    old.status = Stored(VersionStatus::Superseded);
    store::save_version(conn, &old)?;
    v.status = Stored(VersionStatus::InForce);
    v.filed_by = Some(Id(actor.user_id));
    v.filed_at = Some(at);
    v.filing_reference = Some(reference.to_owned());
    v.in_force_from = Some(at);
    store::save_version(conn, &v)?;
    c.version = v.version;
    c.status = Stored(to);
    store::save(conn, &c)?;
    Ok(c)
}
