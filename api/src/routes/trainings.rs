//! Trainings by experts: sessions, attendance (which earns the rules' training bonus, once per
//! volunteer and training) and feedback — the "training → practice → feedback" loop.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{
    AttendanceRequest, AttendanceResult, NewTraining, Training, TrainingFeedback, TrainingPage,
    TrainingQuery,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::trainings::{self as store, TrainingRow};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::stored_of;
use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::trainings;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_training)
        .service(list_trainings)
        .service(get_training)
        .service(attendance)
        .service(give_feedback);
}

fn view(conn: &mut AnyConnection, t: &TrainingRow) -> Result<Training, ApiError> {
    let feedback: Vec<TrainingFeedback> = store::feedback(conn, t.id.0)?
        .iter()
        .map(|f| TrainingFeedback {
            stars: f.stars,
            comment: f.comment.clone(),
        })
        .collect();
    let average_stars = (!feedback.is_empty())
        .then(|| feedback.iter().map(|f| f64::from(f.stars)).sum::<f64>() / feedback.len() as f64);
    Ok(Training {
        id: t.id.0,
        topic: t.topic.clone(),
        trainer: t.trainer.clone(),
        trainer_kind: views::enum_of(&t.trainer_kind)?,
        starts_at: views::utc(t.starts_at),
        ends_at: views::utc(t.ends_at),
        place: t.place.clone(),
        capacity: t.capacity,
        attendees: store::attendees(conn, t.id.0)?,
        feedback,
        average_stars,
        created_at: views::utc(t.created_at),
    })
}

/// Staff: schedule a training.
#[utoipa::path(tag = "volunteers", operation_id = "create_training", request_body = NewTraining,
    responses((status = 201, body = Training), Problems), security(("bearer" = [])))]
#[post("/trainings")]
pub async fn create_training(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewTraining>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (actor, t) = (auth.0, body.0);
    let draft = trainings::TrainingDraft {
        topic: t.topic,
        trainer: t.trainer,
        trainer_kind: stored_of(&t.trainer_kind)?.0,
        starts_at: t.starts_at.naive_utc(),
        ends_at: t.ends_at.naive_utc(),
        place: t.place,
        capacity: t.capacity,
    };
    let training = db::write(&state.pool, move |conn| {
        let row = trainings::schedule(conn, &actor, draft)?;
        view(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/trainings/{}", training.id)))
        .json(training))
}

/// The community's trainings, newest first.
#[utoipa::path(tag = "volunteers", operation_id = "list_trainings", params(TrainingQuery),
    responses((status = 200, body = TrainingPage), Problems), security(("bearer" = [])))]
#[get("/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<TrainingQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let community = auth.community_id;
    let result = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, community, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(|r| view(conn, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrainingPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One training with its attendees and feedback.
#[utoipa::path(tag = "volunteers", operation_id = "get_training", params(("id" = Uuid, Path)),
    responses((status = 200, body = Training), Problems), security(("bearer" = [])))]
#[get("/trainings/{id}")]
pub async fn get_training(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (community, id) = (auth.community_id, id.into_inner());
    let t = db::read(&state.pool, move |conn| {
        let t = store::get(conn, community, id)?.ok_or_else(|| ApiError::not_found("training"))?;
        view(conn, &t)
    })
    .await?;
    Ok(HttpResponse::Ok().json(t))
}

/// Staff record who attended; each newly recorded attendee earns the training bonus once.
/// Recording the same people again does nothing twice.
#[utoipa::path(tag = "volunteers", operation_id = "record_attendance", request_body = AttendanceRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = AttendanceResult), Problems), security(("bearer" = [])))]
#[post("/trainings/{id}/attendance")]
pub async fn attendance(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<AttendanceRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (actor, id, who) = (auth.0, id.into_inner(), body.0.volunteer_ids);
    let done = db::write(&state.pool, move |conn| {
        Ok(trainings::record_attendance(conn, &actor, id, who)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AttendanceResult {
        recorded: done.recorded,
        already_recorded: done.already_recorded,
    }))
}

/// An attendee's feedback on the training, once.
#[utoipa::path(tag = "volunteers", operation_id = "training_feedback", request_body = TrainingFeedback,
    params(("id" = Uuid, Path)), responses((status = 201, body = Training), Problems), security(("bearer" = [])))]
#[post("/trainings/{id}/feedback")]
pub async fn give_feedback(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<TrainingFeedback>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, f) = (auth.0, id.into_inner(), body.0);
    let t = db::write(&state.pool, move |conn| {
        let t = trainings::give_feedback(conn, &actor, id, f.stars, &f.comment)?;
        view(conn, &t)
    })
    .await?;
    Ok(HttpResponse::Created().json(t))
}
