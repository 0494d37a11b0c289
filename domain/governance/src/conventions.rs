//! The 居民公约 as versioned, numbered articles, revised by the statutory procedure: 征集民意
//! (amendments, each accepted or rejected with a reason) → 草案 (the next version with its
//! changelog) → 审核 (the subdistrict) → 表决 (a vote under the statutory rule) → 备案公布 (filed,
//! then in force).

use std::collections::BTreeSet;

use canglong_core::{DomainError, wire_enum};

wire_enum!(
    /// The convention: in force (and open to amendments), collecting them, or a draft on its
    /// way — drafted, reviewed, voting, adopted (awaiting filing).
    ConventionStatus {
        InForce = "in_force",
        Collecting = "collecting",
        Drafted = "drafted",
        Reviewed = "reviewed",
        Voting = "voting",
        Adopted = "adopted",
    }
);

wire_enum!(
    /// A version: in force, superseded by a later one, a draft on its way, or a draft that was
    /// returned by the review or not adopted by the vote.
    VersionStatus {
        InForce = "in_force",
        Superseded = "superseded",
        Drafted = "drafted",
        Reviewed = "reviewed",
        Voting = "voting",
        Adopted = "adopted",
        Returned = "returned",
        NotAdopted = "not_adopted",
    }
);

wire_enum!(
    AmendmentKind {
        Change = "change",
        Add = "add",
        Remove = "remove",
    }
);

wire_enum!(
    AmendmentStatus {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
        Drafted = "drafted",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub number: i32,
    pub text: String,
}

/// An accepted amendment as the draft applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub kind: AmendmentKind,
    /// The article changed or removed; ignored for an addition (it goes at the end).
    pub article: i32,
    pub text: String,
}

/// The articles are numbered 1..n with some text each.
pub fn check_articles(articles: &[Article]) -> Result<(), DomainError> {
    let ok = !articles.is_empty()
        && articles
            .iter()
            .enumerate()
            .all(|(i, a)| a.number == i as i32 + 1 && !a.text.trim().is_empty());
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "invalid_articles",
            "articles are numbered 1, 2, 3 … in order, each with its text",
        ))
    }
}

/// Amendments are proposed while the convention is in force or collecting them.
pub fn may_amend(status: ConventionStatus) -> Result<ConventionStatus, DomainError> {
    match status {
        ConventionStatus::InForce | ConventionStatus::Collecting => {
            Ok(ConventionStatus::Collecting)
        }
        s => Err(DomainError::invalid(
            "wrong_status",
            format!(
                "the convention is {}: amendments wait for the next revision",
                s.as_str()
            ),
        )),
    }
}

/// An amendment names an article that exists (for a change or removal) and carries the new
/// text (for a change or an addition).
pub fn check_amendment(articles: &[Article], a: &Amendment) -> Result<(), DomainError> {
    let exists = articles.iter().any(|x| x.number == a.article);
    let ok = match a.kind {
        AmendmentKind::Add => !a.text.trim().is_empty(),
        AmendmentKind::Change => exists && !a.text.trim().is_empty(),
        AmendmentKind::Remove => exists,
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "invalid_amendment",
            "a change or removal names an article in force; a change or addition gives its text",
        ))
    }
}

/// One accepted amendment per article: a second to the same article is for the next revision.
pub fn may_accept(accepted: &[Amendment], a: &Amendment) -> Result<(), DomainError> {
    let clash = a.kind != AmendmentKind::Add
        && accepted
            .iter()
            .any(|x| x.kind != AmendmentKind::Add && x.article == a.article);
    if clash {
        return Err(DomainError::conflict(
            "article_already_amended",
            "an amendment to this article is already accepted for this revision",
        ));
    }
    Ok(())
}

/// The draft: the articles in force with the accepted amendments applied and renumbered, and
/// the changelog (one line per amendment, in the old numbering).
pub fn draft(
    articles: &[Article],
    accepted: &[Amendment],
) -> Result<(Vec<Article>, Vec<String>), DomainError> {
    if accepted.is_empty() {
        return Err(DomainError::invalid(
            "nothing_to_draft",
            "no amendment has been accepted",
        ));
    }
    let removed: BTreeSet<i32> = accepted
        .iter()
        .filter(|a| a.kind == AmendmentKind::Remove)
        .map(|a| a.article)
        .collect();
    let mut texts: Vec<String> = Vec::new();
    let mut log = Vec::new();
    for art in articles {
        if removed.contains(&art.number) {
            log.push(format!("删除第{}条", art.number));
            continue;
        }
        match accepted
            .iter()
            .find(|a| a.kind == AmendmentKind::Change && a.article == art.number)
        {
            Some(a) => {
                log.push(format!("修改第{}条", art.number));
                texts.push(a.text.trim().to_owned());
            }
            None => texts.push(art.text.clone()),
        }
    }
    for a in accepted.iter().filter(|a| a.kind == AmendmentKind::Add) {
        texts.push(a.text.trim().to_owned());
        log.push(format!("新增第{}条", texts.len()));
    }
    if texts.is_empty() {
        return Err(DomainError::invalid(
            "invalid_amendment",
            "a convention keeps at least one article",
        ));
    }
    let out = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Article {
            number: i as i32 + 1,
            text,
        })
        .collect();
    Ok((out, log))
}

/// Who may move a draft along, and from where.
pub fn advance(
    status: ConventionStatus,
    from: ConventionStatus,
    to: ConventionStatus,
) -> Result<ConventionStatus, DomainError> {
    if status == from {
        Ok(to)
    } else {
        Err(DomainError::invalid(
            "wrong_status",
            format!(
                "the convention is {}, not {}",
                status.as_str(),
                from.as_str()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arts(texts: &[&str]) -> Vec<Article> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Article {
                number: i as i32 + 1,
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn articles_are_numbered_in_order() {
        assert!(check_articles(&arts(&["a", "b"])).is_ok());
        assert!(check_articles(&[]).is_err());
        let mut gap = arts(&["a", "b"]);
        gap[1].number = 3;
        assert!(check_articles(&gap).is_err());
    }

    #[test]
    fn a_draft_applies_changes_removals_and_additions() {
        let now = arts(&["爱护公物", "文明养犬", "垃圾分类"]);
        let change = Amendment {
            kind: AmendmentKind::Change,
            article: 2,
            text: "文明养犬，出门牵绳，及时清理".into(),
        };
        let remove = Amendment {
            kind: AmendmentKind::Remove,
            article: 1,
            text: String::new(),
        };
        let add = Amendment {
            kind: AmendmentKind::Add,
            article: 0,
            text: "高空不抛物".into(),
        };
        assert!(check_amendment(&now, &change).is_ok());
        assert!(
            check_amendment(
                &now,
                &Amendment {
                    article: 9,
                    ..change.clone()
                }
            )
            .is_err()
        );
        assert!(
            check_amendment(
                &now,
                &Amendment {
                    text: " ".into(),
                    ..add.clone()
                }
            )
            .is_err()
        );
        assert_eq!(
            may_accept(std::slice::from_ref(&change), &change)
                .unwrap_err()
                .code,
            "article_already_amended"
        );
        assert!(may_accept(std::slice::from_ref(&add), &add).is_ok());
        let (next, log) = draft(&now, &[change, remove, add]).unwrap();
        assert_eq!(
            next,
            arts(&["文明养犬，出门牵绳，及时清理", "垃圾分类", "高空不抛物"])
        );
        assert_eq!(log, vec!["删除第1条", "修改第2条", "新增第3条"]);
        assert_eq!(draft(&now, &[]).unwrap_err().code, "nothing_to_draft");
    }

    #[test]
    fn the_procedure_moves_one_step_at_a_time() {
        use ConventionStatus as S;
        assert_eq!(may_amend(S::InForce).unwrap(), S::Collecting);
        assert!(may_amend(S::Voting).is_err());
        assert_eq!(
            advance(S::Drafted, S::Drafted, S::Reviewed).unwrap(),
            S::Reviewed
        );
        assert!(advance(S::Collecting, S::Drafted, S::Reviewed).is_err());
    }
}
