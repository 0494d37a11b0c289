//! The suggestion box (意见箱): residents write, staff enter paper notes and answer publicly.

use canglong_core::notice::NoticeKind;
use canglong_core::suggestion::{
    SuggestionCategory, SuggestionSource, SuggestionStatus, check_text,
};
use canglong_core::{Actor, Role, Uuid, new_id, now};
use canglong_persistence::suggestions::{self as store, SuggestionRow};
use canglong_persistence::{AnyConnection, Id, Stored, activities, alliance, notifications};

use crate::error::{Error, Result};

/// A suggestion as written; a complaint may name a merchant or a project of the community.
#[derive(Debug, Clone)]
pub struct Draft {
    pub category: SuggestionCategory,
    pub text: String,
    pub anonymous: bool,
    pub source: SuggestionSource,
    pub merchant_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
}

/// Write a suggestion. Only staff enter paper notes, and a paper note has no author.
pub fn create(conn: &mut AnyConnection, actor: &Actor, d: Draft) -> Result<SuggestionRow> {
    let paper = d.source == SuggestionSource::Paper;
    if paper {
        actor.require_staff()?;
    }
    let text = check_text(&d.text)?.to_string();
    if let Some(m) = d.merchant_id
        && alliance::merchant(conn, actor.community_id, m)?.is_none()
    {
        return Err(Error::not_found("merchant"));
    }
    if let Some(p) = d.project_id
        && activities::project(conn, actor.community_id, p)?.is_none()
    {
        return Err(Error::not_found("project"));
    }
    let row = SuggestionRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        author_id: (!paper).then_some(Id(actor.user_id)),
        entered_by: paper.then_some(Id(actor.user_id)),
        source: Stored(d.source),
        category: Stored(d.category),
        text,
        anonymous: d.anonymous || paper,
        merchant_id: d.merchant_id.map(Id),
        project_id: d.project_id.map(Id),
        status: Stored(SuggestionStatus::Open),
        response: None,
        responded_by: None,
        responded_at: None,
        created_at: now(),
    };
    store::insert(conn, &row)?;
    Ok(row)
}

/// Staff set the status and a public response; the author (if any) is told.
pub fn respond(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    status: SuggestionStatus,
    response: &str,
) -> Result<SuggestionRow> {
    store::get(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("suggestion"))?;
    actor.require(&[Role::SocialWorker, Role::CommunityAdmin])?;
    let response = response.trim();
    store::respond(conn, id, status, response, actor.user_id)?;
    let row = store::get(conn, actor.community_id, id)?
        .ok_or_else(|| Error::bug("a row that must exist is missing"))?;
    if let Some(author) = row.author_id {
        notifications::notify(
            conn,
            actor.community_id,
            author.0,
            NoticeKind::SuggestionAnswered,
            "意见箱回复",
            &format!("您的建议有了回复：{response}"),
        )?;
    }
    Ok(row)
}
