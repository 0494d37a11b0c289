//! 志愿服务记录证明: a volunteer's verified hours in a period, by month and by organisation, kept
//! with a code that anyone holding it can check. It is stored as issued, so a later correction of
//! a record does not change a certificate already handed out; asked for again while the hours
//! are the same, it is the same document with the same code.

use std::collections::BTreeMap;

use canglong_core::{Actor, DomainError, NaiveDateTime, Uuid, now};
use canglong_persistence::volunteers::{self as store, CertificateRow};
use canglong_persistence::{AnyConnection, people, service_records};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::alliance::random_code;
use crate::error::{Error, Result};

/// A certificate as issued (and as stored: the same JSON the contract's `Certificate` reads).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Certificate {
    pub code: String,
    pub volunteer_id: Uuid,
    pub volunteer_name: String,
    pub community: String,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    pub total_minutes: i64,
    pub by_month: Vec<MonthMinutes>,
    pub by_organisation: Vec<OrganisationMinutes>,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MonthMinutes {
    pub month: String,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrganisationMinutes {
    pub organisation: String,
    pub minutes: i64,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// Issue a certificate of the verified hours served in `[from, to)`: to the volunteer
/// themself or to staff; to anyone else the volunteer does not exist.
pub fn issue(
    conn: &mut AnyConnection,
    actor: &Actor,
    volunteer: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Certificate> {
    if from >= to {
        return Err(DomainError::invalid("invalid_window", "from must be before to").into());
    }
    let v = store::get(conn, actor.community_id, volunteer)?
        .ok_or_else(|| Error::not_found("volunteer"))?;
    if v.user_id.0 != actor.user_id && !actor.is_staff() {
        return Err(Error::not_found("volunteer"));
    }
    let records: Vec<_> = service_records::verified_spans(conn, volunteer)?
        .into_iter()
        .map(|r| {
            let at = r.started_at.unwrap_or(r.created_at);
            (at, r.source.0, i64::from(r.minutes_approved.unwrap_or(0)))
        })
        .filter(|(at, _, _)| from <= *at && *at < to)
        .collect();
    let mut by_org: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, source, minutes) in &records {
        *by_org.entry(source.organisation()).or_default() += minutes;
    }
    let by_month =
        canglong_volunteers::minutes_by_month(records.iter().map(|(at, _, m)| (*at, *m)));
    let user = people::find_user(conn, v.user_id.0)?
        .ok_or_else(|| Error::bug("a row that must exist is missing"))?;
    let mut cert = Certificate {
        code: String::new(),
        volunteer_id: volunteer,
        volunteer_name: user.nickname,
        community: store::community_name(conn, actor.community_id)?,
        period_from: utc(from),
        period_to: utc(to),
        total_minutes: by_month.values().sum(),
        by_month: by_month
            .into_iter()
            .map(|(month, minutes)| MonthMinutes { month, minutes })
            .collect(),
        by_organisation: by_org
            .into_iter()
            .map(|(o, minutes)| OrganisationMinutes {
                organisation: o.into(),
                minutes,
            })
            .collect(),
        issued_at: utc(now()),
    };
    if let Some(last) = store::last_certificate(conn, volunteer, from, to)? {
        let last = parse(&last)?;
        if last.same_figures(&cert) {
            return Ok(last);
        }
    }
    cert.code = random_code()?;
    let body = serde_json::to_string(&cert).map_err(|e| Error::bug(e.to_string()))?;
    store::insert_certificate(
        conn,
        &CertificateRow {
            community_id: actor.community_id,
            volunteer_id: volunteer,
            code: &cert.code,
            period_from: from,
            period_to: to,
            total_minutes: cert.total_minutes,
            body,
            issued_at: cert.issued_at.naive_utc(),
        },
    )?;
    Ok(cert)
}

impl Certificate {
    /// Whether two certificates say the same thing (whatever their code and issue time).
    fn same_figures(&self, other: &Certificate) -> bool {
        let figures = |c: &Certificate| {
            serde_json::to_value(Certificate {
                code: String::new(),
                issued_at: DateTime::<Utc>::MIN_UTC,
                ..c.clone()
            })
            .ok()
        };
        figures(self) == figures(other)
    }
}

fn parse(body: &str) -> Result<Certificate> {
    serde_json::from_str(body).map_err(|e| Error::bug(format!("a stored certificate: {e}")))
}

/// A certificate by its code, exactly as it was issued: for whoever holds the code (a school,
/// an employer), who sees it through [`canglong_volunteers::masked_name`].
pub fn check(conn: &mut AnyConnection, code: &str) -> Result<Certificate> {
    let code = canglong_alliance::normalize_code(code);
    let body =
        store::certificate_body(conn, &code)?.ok_or_else(|| Error::not_found("certificate"))?;
    parse(&body)
}
