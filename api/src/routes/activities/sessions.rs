//! Sessions: the list with seats left, enrolment with a waitlist that moves up, check-in by the
//! code shown at the door, and the volunteers who worked them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use canglong_activities::{self as domain, EnrolmentStatus};
use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Uuid, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_openapi::{
    Checkin, CheckinCode, CheckinRequest, Enrolment, EnrolmentRequest, ServiceRecord, Session,
    SessionList, SessionQuery, SessionVolunteers,
};
use canglong_persistence::activities::{self as store, EnrolmentRow, SessionRow};
use canglong_persistence::service_records::{self as records, StaffRecord};
use canglong_persistence::{AnyConnection, Id, notifications, to_json_text, volunteers};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::extract::Body;
use crate::ledger::{self, Entry};
use crate::routes::Problems;
use crate::routes::views::{self, enum_of, utc};
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sessions)
        .service(enrol)
        .service(cancel_enrolment)
        .service(checkin_code)
        .service(check_in)
        .service(record_volunteers);
}

/// People holding seats (enrolled or attended), and the waitlist in order.
fn seats(conn: &mut AnyConnection, s: &SessionRow) -> Result<(i32, Vec<EnrolmentRow>), ApiError> {
    let all = store::enrolments_of(conn, s.id.0)?;
    let taken = all
        .iter()
        .filter(|e| e.status != EnrolmentStatus::Waitlisted.as_str())
        .map(|e| e.party_size)
        .sum::<i32>();
    let waitlist = all
        .into_iter()
        .filter(|e| e.status == EnrolmentStatus::Waitlisted.as_str())
        .collect();
    Ok((s.capacity - taken, waitlist))
}

pub fn session_view(conn: &mut AnyConnection, s: &SessionRow) -> Result<Session, ApiError> {
    let (seats_left, waitlist) = seats(conn, s)?;
    Ok(Session {
        id: s.id.0,
        project_id: s.project_id.0,
        package_id: s.package_id.map(|p| p.0),
        title: s.title.clone(),
        starts_at: utc(s.starts_at),
        ends_at: utc(s.ends_at),
        room_id: s.room_id.map(|r| r.0),
        place: s.place.clone(),
        capacity: s.capacity,
        seats_left: seats_left.max(0),
        waitlist_length: waitlist.len() as i32,
        enrol_from: utc(s.enrol_from),
        enrol_to: utc(s.enrol_to),
        volunteer_slots: s.volunteer_slots,
        attendance_points: s.attendance_points,
    })
}

fn enrolment_view(e: &EnrolmentRow) -> Result<Enrolment, ApiError> {
    Ok(Enrolment {
        id: e.id.0,
        session_id: e.session_id.0,
        status: enum_of(&e.status)?,
        position: e.position,
        child_ids: serde_json::from_str(&e.child_ids).unwrap_or_default(),
        party_size: e.party_size,
    })
}

/// Sessions with the seats left and the waitlist's length.
#[utoipa::path(tag = "activities", operation_id = "list_sessions", params(SessionQuery),
    responses((status = 200, body = SessionList), Problems), security(("bearer" = [])))]
#[get("/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<SessionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (community, q) = (auth.community_id, q.into_inner());
    let list = db::read(&state.pool, move |conn| {
        let rows = store::list_sessions(
            conn,
            community,
            q.project_id,
            q.from.map(|t| t.naive_utc()),
            q.to.map(|t| t.naive_utc()),
        )?;
        let items = rows
            .iter()
            .map(|s| session_view(conn, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SessionList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// How an enrolment is made: in its window, or (for a seat bought with points) a seat now.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// Enrolled if the party fits, else waitlisted; only inside the enrolment window.
    Window,
    /// A seat redeemed from an offer: enrolled now, or refused if the session is full.
    Reserved,
}

/// Enrols the person (and their children) in a locked session.
pub fn enrol_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    s: &SessionRow,
    child_ids: &[Uuid],
    how: Seat,
) -> Result<EnrolmentRow, ApiError> {
    let mine = store::children_of(conn, actor.user_id)?;
    if child_ids.iter().any(|c| !mine.iter().any(|m| m.id.0 == *c)) {
        return Err(ApiError::not_found("child"));
    }
    let mut children = child_ids.to_vec();
    children.sort();
    children.dedup();
    if store::active_enrolment(conn, s.id.0, actor.user_id)?.is_some() {
        return Err(ApiError::conflict(
            "already_enrolled",
            "you are already enrolled in this session",
        ));
    }
    let party = 1 + children.len() as i32;
    let (seats_left, _) = seats(conn, s)?;
    let at = now();
    let window = if how == Seat::Reserved {
        (at, at + chrono::Duration::seconds(1))
    } else {
        (s.enrol_from, s.enrol_to)
    };
    let status = domain::enrol(party, seats_left, window, at)?;
    if how == Seat::Reserved && status == EnrolmentStatus::Waitlisted {
        return Err(ApiError::conflict(
            "session_full",
            "the session has no seat left",
        ));
    }
    let row = EnrolmentRow {
        id: Id(canglong_core::new_id()),
        community_id: s.community_id,
        session_id: s.id,
        user_id: Id(actor.user_id),
        child_ids: to_json_text(&children),
        party_size: party,
        status: status.as_str().into(),
        position: store::next_position(conn, s.id.0)?,
        created_at: at,
        updated_at: at,
    };
    store::insert_enrolment(conn, &row)?;
    Ok(row)
}

fn locked(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<SessionRow, ApiError> {
    store::lock_session(conn, community, id)?.ok_or_else(|| ApiError::not_found("session"))
}

/// Enrol yourself and your children: enrolled while seats last, then waitlisted in order.
#[utoipa::path(tag = "activities", operation_id = "enrol", request_body = EnrolmentRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Enrolment), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<EnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[canglong_core::Role::Resident])?;
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let e = db::write(&state.pool, move |conn| {
        let s = locked(conn, actor.community_id, id)?;
        enrolment_view(&enrol_in(conn, &actor, &s, &r.child_ids, Seat::Window)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(e))
}

/// Cancel your enrolment; the waitlist moves up (those whose party fits, in order), and each
/// promoted resident is notified.
#[utoipa::path(tag = "activities", operation_id = "cancel_enrolment", params(("id" = Uuid, Path)),
    responses((status = 200, body = Enrolment), Problems), security(("bearer" = [])))]
#[delete("/sessions/{id}/enrolments/mine")]
pub async fn cancel_enrolment(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let e = db::write(&state.pool, move |conn| {
        let s = locked(conn, actor.community_id, id)?;
        let mine = store::active_enrolment(conn, id, actor.user_id)?
            .ok_or_else(|| ApiError::not_found("enrolment"))?;
        if mine.status == EnrolmentStatus::Attended.as_str() {
            return Err(ApiError::unprocessable(
                "invalid_transition",
                "an attended session cannot be cancelled",
            ));
        }
        store::set_enrolment_status(conn, mine.id.0, EnrolmentStatus::Cancelled.as_str())?;
        let (seats_left, waitlist) = seats(conn, &s)?;
        let queue: Vec<(usize, i32)> = waitlist
            .iter()
            .enumerate()
            .map(|(i, w)| (i, w.party_size))
            .collect();
        for i in domain::promote(&queue, seats_left) {
            let w = &waitlist[i];
            store::set_enrolment_status(conn, w.id.0, EnrolmentStatus::Enrolled.as_str())?;
            let body = format!("「{}」有了空位，您已从候补转为正式报名。", s.title);
            notifications::notify(
                conn,
                actor.community_id,
                w.user_id.0,
                NoticeKind::EnrolmentPromoted,
                "候补转正",
                &body,
            )?;
        }
        let mut cancelled = mine;
        cancelled.status = EnrolmentStatus::Cancelled.as_str().into();
        enrolment_view(&cancelled)
    })
    .await?;
    Ok(HttpResponse::Ok().json(e))
}

/// Staff: the code to show at the door; it changes every 30 seconds and the previous one still
/// works.
#[utoipa::path(tag = "activities", operation_id = "get_checkin_code", params(("id" = Uuid, Path)),
    responses((status = 200, body = CheckinCode), Problems), security(("bearer" = [])))]
#[get("/sessions/{id}/checkin-code")]
pub async fn checkin_code(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id) = (auth.community_id, id.into_inner());
    let code = db::read(&state.pool, move |conn| {
        let s =
            store::session(conn, community, id)?.ok_or_else(|| ApiError::not_found("session"))?;
        let at = now();
        Ok(CheckinCode {
            code: domain::checkin_code(&s.checkin_secret, at),
            expires_at: utc(domain::code_expires(at)),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(code))
}

/// An enrolled resident checks in their party with the code at the door: attendance points and,
/// with children, the parent-child co-learning bonus (亲子共学积分), once per person and session.
#[utoipa::path(tag = "activities", operation_id = "check_in", request_body = CheckinRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Checkin), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/checkins")]
pub async fn check_in(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<CheckinRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, code) = (auth.0, id.into_inner(), body.0.code);
    let c = db::write(&state.pool, move |conn| {
        let s = locked(conn, actor.community_id, id)?;
        if !domain::checkin_valid(&s.checkin_secret, code.trim(), now()) {
            return Err(ApiError::unprocessable(
                "invalid_code",
                "the code is wrong or has expired; read the one at the door",
            ));
        }
        let e = store::active_enrolment(conn, id, actor.user_id)?
            .filter(|e| e.status != EnrolmentStatus::Waitlisted.as_str())
            .ok_or_else(|| {
                ApiError::forbidden("not_enrolled", "only enrolled residents check in")
            })?;
        if !store::check_in(conn, actor.community_id, id, actor.user_id, e.party_size)? {
            return Err(ApiError::conflict(
                "already_checked_in",
                "you have already checked in",
            ));
        }
        store::set_enrolment_status(conn, e.id.0, EnrolmentStatus::Attended.as_str())?;
        let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
        let children = e.party_size - 1;
        let co_learning = if children > 0 {
            rules.bonus(BonusKind::ParentChild)
        } else {
            0
        };
        let mut points = 0;
        for (amount, key, memo) in [
            (
                s.attendance_points,
                format!("attend:{id}:{}", actor.user_id),
                format!("参加活动：{}", s.title),
            ),
            (
                co_learning,
                format!("colearn:{id}:{}", actor.user_id),
                format!("亲子共学：{}", s.title),
            ),
        ] {
            if amount <= 0 {
                continue;
            }
            let pool = ledger::community_account(conn, actor.community_id)?;
            let account = ledger::resident_account(conn, actor.community_id, actor.user_id)?;
            ledger::post(
                conn,
                Entry {
                    community: actor.community_id,
                    tx: Transaction::transfer(TxKind::Bonus, pool.id.0, account.id.0, amount)?,
                    key,
                    actor: Some(actor.user_id),
                    memo: memo.chars().take(200).collect(),
                    reverses: None,
                    expires_at: rules.expiry_of(now()),
                    lot: None,
                },
            )?;
            points += amount;
        }
        Ok(Checkin {
            session_id: id,
            people: e.party_size,
            points,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Staff: the volunteers who worked the session get a service record for its time, pending
/// verification like any other.
#[utoipa::path(tag = "activities", operation_id = "record_session_volunteers", request_body = SessionVolunteers,
    params(("id" = Uuid, Path)), responses((status = 201, body = Vec<ServiceRecord>), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/volunteers")]
pub async fn record_volunteers(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<SessionVolunteers>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (actor, id, mut who) = (auth.0, id.into_inner(), body.0.volunteer_ids);
    who.sort();
    who.dedup();
    let list = db::write(&state.pool, move |conn| {
        let s = store::session(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::not_found("session"))?;
        if who.len() > s.volunteer_slots.max(0) as usize {
            return Err(ApiError::unprocessable(
                "over_capacity",
                "more volunteers than the session's slots",
            ));
        }
        let minutes = (s.ends_at - s.starts_at).num_minutes().clamp(1, 24 * 60) as i32;
        let mut out = vec![];
        for v in who {
            volunteers::get(conn, actor.community_id, v)?
                .ok_or_else(|| ApiError::not_found("volunteer"))?;
            if records::overlaps(conn, v, s.starts_at, s.ends_at)? {
                return Err(ApiError::unprocessable(
                    "overlapping_service",
                    "these minutes are already in another service record",
                ));
            }
            let row = records::insert_by_staff(
                conn,
                &StaffRecord {
                    community_id: actor.community_id,
                    volunteer_id: v,
                    content: s.title.clone(),
                    beneficiary_group: "general".into(),
                    minutes,
                    honor: false,
                    recorded_by: actor.user_id,
                    started_at: s.starts_at,
                    source: "session",
                    session_id: Some(id),
                },
            )?;
            out.push(views::service_record(&row)?);
        }
        Ok(out)
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(list))
}
