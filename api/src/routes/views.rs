//! Stored rows as wire views. Enum columns hold the wire names, so they parse straight into the
//! contract's enums.

use canglong_core::{DateTime, NaiveDateTime, Utc};
use canglong_openapi as wire;
use canglong_persistence::needs::{ClaimRow, EventRow, NeedRow, RatingRow};
use canglong_persistence::service_records::ServiceRecordRow;
use canglong_persistence::volunteers::VolunteerRow;
use serde::de::DeserializeOwned;

use crate::ApiError;

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A stored wire name as the contract's enum.
pub fn enum_of<T: DeserializeOwned>(s: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        tracing::error!(value = s, "stored value outside the contract");
        ApiError::internal()
    })
}

/// A contract enum as stored: the same names on the wire and in the database.
pub fn stored_of<E: canglong_core::WireName, T: serde::Serialize>(
    v: &T,
) -> Result<canglong_persistence::Stored<E>, ApiError> {
    let name = name_of(v);
    E::parse(&name)
        .map(canglong_persistence::Stored)
        .ok_or_else(|| {
            tracing::error!(value = %name, "a contract enum the store does not know");
            ApiError::internal()
        })
}

/// An optional filter of a contract enum, as the domain enum it stores.
pub fn filter_of<E: canglong_core::WireName, T: serde::Serialize>(
    v: Option<&T>,
) -> Result<Option<E>, ApiError> {
    Ok(v.map(stored_of::<E, T>).transpose()?.map(|s| s.0))
}

/// The wire name of a contract enum (what is stored).
pub fn name_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn json_of<T: DeserializeOwned + Default>(s: &str) -> T {
    serde_json::from_str(s).unwrap_or_default()
}

pub fn need(r: &NeedRow) -> Result<wire::Need, ApiError> {
    Ok(wire::Need {
        id: r.id.0,
        community_id: r.community_id.0,
        requester_id: r.requester_id.0,
        posted_by: r.posted_by.0,
        category: enum_of(&r.category)?,
        target_group: enum_of(&r.target_group)?,
        title: r.title.clone(),
        description: r.description.clone(),
        place: r.place.clone(),
        window_start: utc(r.window_start),
        window_end: utc(r.window_end),
        estimated_minutes: r.estimated_minutes,
        slots: r.slots,
        slots_taken: r.slots_taken,
        micro: r.micro,
        status: enum_of(&r.status)?,
        escalated: r.escalated,
        created_at: utc(r.created_at),
    })
}

pub fn claim(c: &ClaimRow) -> Result<wire::Claim, ApiError> {
    Ok(wire::Claim {
        id: c.id.0,
        volunteer_id: c.volunteer_id.0,
        user_id: c.user_id.0,
        status: enum_of(&c.status)?,
        minutes: c.minutes,
        note: c.note.clone(),
        completed_at: c.completed_at.map(utc),
        created_at: utc(c.created_at),
    })
}

pub fn history(e: &EventRow) -> Result<wire::HistoryEntry, ApiError> {
    Ok(wire::HistoryEntry {
        action: enum_of(&e.action)?,
        from_status: e.from_status.as_deref().map(enum_of).transpose()?,
        to_status: enum_of(&e.to_status)?,
        actor_id: e.actor_id.map(|a| a.0),
        note: e.note.clone(),
        at: utc(e.created_at),
    })
}

pub fn rating(r: &RatingRow) -> wire::Rating {
    wire::Rating {
        stars: r.stars,
        tags: json_of(&r.tags),
        comment: r.comment.clone(),
        flagged: r.flagged,
        created_at: utc(r.created_at),
    }
}

pub fn service_record(r: &ServiceRecordRow) -> Result<wire::ServiceRecord, ApiError> {
    Ok(wire::ServiceRecord {
        id: r.id.0,
        volunteer_id: r.volunteer_id.0,
        need_id: r.need_id.map(|i| i.0),
        session_id: r.session_id.map(|i| i.0),
        source: enum_of(&r.source)?,
        content: r.content.clone(),
        beneficiary_group: enum_of(&r.beneficiary_group)?,
        beneficiary_id: r.beneficiary_id.map(|i| i.0),
        minutes_reported: r.minutes_reported,
        minutes_approved: r.minutes_approved,
        status: enum_of(&r.status)?,
        quality: r.quality.as_deref().map(enum_of).transpose()?,
        verified_by: r.verified_by.map(|i| i.0),
        verified_at: r.verified_at.map(utc),
        honor: r.honor,
        points: r.points,
        rules_version: r.rules_version,
        verification_note: r.verification_note.clone(),
        started_at: r.started_at.map(utc),
        ended_at: r.ended_at.map(utc),
        created_at: utc(r.created_at),
    })
}

pub fn volunteer(
    r: &VolunteerRow,
    team_ids: Vec<uuid::Uuid>,
    approved_minutes: i64,
    points_earned: i64,
) -> Result<wire::Volunteer, ApiError> {
    let availability =
        serde_json::from_str(&r.availability).map_err(|e| ApiError::bug(format!("{e}")))?;
    Ok(wire::Volunteer {
        id: r.id.0,
        user_id: r.user_id.0,
        status: enum_of(&r.status)?,
        skills: json_of(&r.skills),
        availability,
        places: json_of(&r.places),
        team_ids,
        approved_minutes,
        points_earned,
        decision_reason: r.decision_reason.clone(),
        figures: None,
        history: vec![],
        created_at: utc(r.created_at),
    })
}

/// `13812345678` → `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Who may see the author: the author themself, and staff unless it was anonymous.
pub fn suggestion(
    r: &canglong_persistence::suggestions::SuggestionRow,
    caller: &canglong_core::Actor,
) -> Result<wire::Suggestion, ApiError> {
    let own = r.author_id.is_some_and(|a| a.0 == caller.user_id);
    let author_id = match r.author_id {
        Some(a) if own || (caller.is_staff() && !r.anonymous) => Some(a.0),
        _ => None,
    };
    Ok(wire::Suggestion {
        id: r.id.0,
        community_id: r.community_id.0,
        category: enum_of(&r.category)?,
        text: r.text.clone(),
        anonymous: r.anonymous,
        author_id,
        source: enum_of(&r.source)?,
        merchant_id: r.merchant_id.map(|m| m.0),
        project_id: r.project_id.map(|p| p.0),
        status: enum_of(&r.status)?,
        response: r.response.clone(),
        responded_at: r.responded_at.map(utc),
        created_at: utc(r.created_at),
    })
}

/// The privacy policy in force and the person's acceptance of it, if any.
pub fn policy(
    current: &str,
    accepted: Option<canglong_persistence::people::ConsentRow>,
) -> wire::PolicyStatus {
    wire::PolicyStatus {
        version: current.to_string(),
        accepted: accepted.is_some(),
        accepted_at: accepted.map(|c| utc(c.granted_at)),
    }
}

/// A notice of the inbox.
pub fn notification(
    n: &canglong_persistence::notifications::NotificationRow,
) -> Result<wire::Notification, ApiError> {
    Ok(wire::Notification {
        id: n.id.0,
        kind: enum_of(&n.kind)?,
        title: n.title.clone(),
        body: n.body.clone(),
        read: n.read_at.is_some(),
        created_at: utc(n.created_at),
    })
}

/// The month (`YYYY-MM`) of a UTC time in the community's time zone (UTC+8).
pub fn local_month(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8)).format("%Y-%m").to_string()
}

/// A cell as a spreadsheet may safely open it (OWASP, CSV injection): text that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by Excel or WPS, so
/// it gets a leading `'`, shown as text. A plain number (`-5`, `+3.5`) is no formula and stays
/// a number.
pub fn safe_cell(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let number = std::str::from_utf8(cell).is_ok_and(|t| {
        let digits = t.trim_start_matches(['+', '-']);
        !digits.is_empty()
            && digits.len() + 1 == t.len()
            && digits.parse::<f64>().is_ok()
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    });
    if risky && !number {
        let mut out = Vec::with_capacity(cell.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(cell);
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV file for filing: UTF-8 with a byte-order mark (so Excel opens it), the header first,
/// fields quoted as CSV requires, every cell made [safe](safe_cell). Every export goes through
/// here.
pub fn csv_file<I, R>(
    name: &str,
    header: &[&str],
    rows: I,
) -> Result<actix_web::HttpResponse, ApiError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(header)
        .map_err(|e| ApiError::bug(format!("{e}")))?;
    for r in rows {
        let cells: Vec<Vec<u8>> = r
            .into_iter()
            .map(|c| safe_cell(c.as_ref()).into_owned())
            .collect();
        out.write_record(&cells)
            .map_err(|e| ApiError::bug(format!("{e}")))?;
    }
    let body = out
        .into_inner()
        .map_err(|e| ApiError::bug(format!("{e}")))?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        use super::safe_cell;
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
            "-",
            "+",
        ] {
            assert_eq!(
                safe_cell(risky.as_bytes()).as_ref(),
                format!("'{risky}").as_bytes(),
                "{risky:?}"
            );
        }
        for plain in ["-5", "+3.5", "12", "0.5", "办事", "a=b", ""] {
            assert_eq!(
                safe_cell(plain.as_bytes()).as_ref(),
                plain.as_bytes(),
                "{plain:?}"
            );
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(super::mask_phone("13812345678"), "138****5678");
        assert_eq!(super::mask_phone("123"), "***");
    }
}
