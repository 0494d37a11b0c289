//! The signed-in person's own profile.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use canglong_openapi::{
    Child, ChildList, Consent, ConsentRequest, Me, MeUpdate, NewChild, PersonalData,
    PointsMovement, PolicyStatus,
};
use canglong_persistence::{AnyConnection, ledger, people as store, privacy as held, volunteers};
use canglong_services::{people, privacy};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(erase_me)
        .service(export_me)
        .service(accept_policy)
        .service(list_children)
        .service(add_child);
}

fn load_me(conn: &mut AnyConnection, user_id: uuid::Uuid, policy: &str) -> Result<Me, ApiError> {
    let user = store::find_user(conn, user_id)?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "no such user"))?;
    let roles = store::roles_of(conn, user_id)?;
    let volunteer = match volunteers::by_user(conn, user_id)? {
        Some(v) => Some(super::volunteers::view(conn, &v, true)?),
        None => None,
    };
    let prefs: BTreeMap<String, bool> =
        serde_json::from_str(&user.notification_prefs).unwrap_or_default();
    let points_balance = ledger::account_of(
        conn,
        user.community_id.0,
        canglong_ledger::AccountKind::Resident.as_str(),
        user_id,
    )?
    .map_or(0, |a| a.balance);
    Ok(Me {
        id: user.id.0,
        nickname: user.nickname,
        community_id: user.community_id.0,
        roles: roles
            .iter()
            .map(|r| views::enum_of(r))
            .collect::<Result<_, _>>()?,
        phone_masked: user.phone.as_deref().map(views::mask_phone),
        notification_preferences: prefs,
        volunteer,
        merchant_id: canglong_persistence::alliance::staff_merchant(conn, user_id)?,
        points_balance,
        created_at: views::utc(user.created_at),
        privacy_policy: views::policy(policy, privacy::accepted(conn, user_id, policy)?),
    })
}

/// The caller's profile: roles, masked phone, volunteer profile.
#[utoipa::path(tag = "me", operation_id = "get_me", responses((status = 200, body = Me), Problems),
    security(("bearer" = [])))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let (id, policy) = (auth.user_id, state.policy.clone());
    let me = db::read(&state.pool, move |c| load_me(c, id, &policy)).await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Change nickname, phone or notification preferences. Roles, community and balances are not
/// writable here (an unknown field is refused with 400).
#[utoipa::path(tag = "me", operation_id = "update_me", request_body = MeUpdate,
    responses((status = 200, body = Me), Problems), security(("bearer" = [])))]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<MeUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.0;
    let change = people::ProfileChange {
        nickname: u.nickname,
        phone: u.phone,
        notification_preferences: u.notification_preferences,
    };
    let (id, policy) = (auth.user_id, state.policy.clone());
    let me = db::write(&state.pool, move |conn| {
        people::update_profile(conn, id, change)?;
        load_me(conn, id, &policy)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

fn children(conn: &mut AnyConnection, parent: uuid::Uuid) -> Result<ChildList, ApiError> {
    let items = canglong_persistence::activities::children_of(conn, parent)?
        .into_iter()
        .map(|c| Child {
            id: c.id.0,
            nickname: c.nickname,
            birth_year: c.birth_year,
        })
        .collect();
    Ok(ChildList { items })
}

/// The caller's children: only a nickname and a birth year, seen by no one else.
#[utoipa::path(tag = "me", operation_id = "list_children",
    responses((status = 200, body = ChildList), Problems), security(("bearer" = [])))]
#[get("/me/children")]
pub async fn list_children(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let id = auth.user_id;
    let list = db::read(&state.pool, move |c| children(c, id)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a child profile (for enrolment in classes).
#[utoipa::path(tag = "me", operation_id = "add_child", request_body = NewChild,
    responses((status = 201, body = ChildList), Problems), security(("bearer" = [])))]
#[post("/me/children")]
pub async fn add_child(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewChild>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[canglong_core::Role::Resident])?;
    let (user, community, c) = (auth.user_id, auth.community_id, body.0);
    let list = db::write(&state.pool, move |conn| {
        people::add_child(conn, community, user, &c.nickname, c.birth_year)?;
        children(conn, user)
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Accept the privacy policy in force (the version shown; another is refused with 422
/// `stale_policy`). Kept with the time, as the history `GET /me/export` shows.
#[utoipa::path(tag = "me", operation_id = "accept_policy", request_body = ConsentRequest,
    responses((status = 201, body = PolicyStatus), Problems), security(("bearer" = [])))]
#[post("/me/consent")]
pub async fn accept_policy(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<ConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (user, policy, presented) = (auth.user_id, state.policy.clone(), body.0.policy_version);
    let status = db::write(&state.pool, move |conn| {
        privacy::consent(conn, user, &policy, &presented)?;
        Ok(views::policy(
            &policy,
            privacy::accepted(conn, user, &policy)?,
        ))
    })
    .await?;
    Ok(HttpResponse::Created().json(status))
}

/// Erase the caller's account (PIPL art. 47): name, phone, WeChat id, password, children's
/// profiles, inbox and roles are removed, open needs cancelled and every need's address
/// forgotten, claims withdrawn and seats given up; every session ends at once. Points, vouchers,
/// service records and history stay in the community's books, pointing at an account that no
/// longer says whose it was. Cannot be undone.
#[utoipa::path(tag = "me", operation_id = "erase_me",
    responses((status = 204, description = "erased"), Problems), security(("bearer" = [])))]
#[delete("/me")]
pub async fn erase_me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let done = db::write(&state.pool, move |conn| Ok(privacy::erase(conn, &actor)?)).await?;
    tracing::info!(?done, "account erased");
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's part in community life, for their export.
fn self_governance(
    conn: &mut AnyConnection,
    id: canglong_core::Uuid,
) -> Result<canglong_openapi::GovernanceData, ApiError> {
    use canglong_persistence::{conventions, polls, topics};
    let (raised, seconded) = topics::of_person(conn, id)?;
    let mut poll_ballots = Vec::new();
    for b in polls::ballots_of(conn, id)? {
        // A secret poll stored no choice: there is nothing to show, by design.
        let choices = match &b.choices {
            Some(chosen) => {
                let options: Vec<String> = polls::options_of(conn, b.poll_id.0)?
                    .and_then(|o| serde_json::from_str(&o).ok())
                    .unwrap_or_default();
                let picked: Vec<usize> = serde_json::from_str(chosen).unwrap_or_default();
                Some(
                    picked
                        .iter()
                        .filter_map(|i| options.get(*i).cloned())
                        .collect(),
                )
            }
            None => None,
        };
        poll_ballots.push(canglong_openapi::HeldPollBallot {
            poll_id: b.poll_id.0,
            channel: views::enum_of(&b.channel)?,
            choices,
            at: views::utc(b.created_at),
        });
    }
    Ok(canglong_openapi::GovernanceData {
        topics_raised: raised.into_iter().map(|t| t.0).collect(),
        topics_seconded: seconded.into_iter().map(|t| t.0).collect(),
        poll_ballots,
        amendments: conventions::amendments_by(conn, id)?
            .into_iter()
            .map(|a| a.0)
            .collect(),
    })
}

fn community_life(
    conn: &mut AnyConnection,
    id: canglong_core::Uuid,
) -> Result<canglong_openapi::CommunityLifeData, ApiError> {
    use canglong_openapi::{HeldAttendance, HeldBallot, HeldMembership, HeldPledge, HeldSignup};
    let l = held::life(conn, id)?;
    Ok(canglong_openapi::CommunityLifeData {
        memberships: l
            .memberships
            .iter()
            .map(|(m, name)| {
                Ok(HeldMembership {
                    association_id: m.association_id.0,
                    name: name.clone(),
                    role: views::enum_of(&m.role)?,
                    joined_at: views::utc(m.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        attendance: l
            .attendance
            .iter()
            .map(|a| {
                Ok(HeldAttendance {
                    session_id: a.session_id.0,
                    method: views::enum_of(&a.method)?,
                    at: views::utc(a.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        visits: l.scans.iter().map(super::spaces::visit).collect(),
        campaign_signups: l
            .signups
            .iter()
            .map(|(c, at)| HeldSignup {
                campaign_id: c.0,
                at: views::utc(*at),
            })
            .collect(),
        pledges: l
            .pledges
            .iter()
            .map(|(c, text, at)| HeldPledge {
                campaign_id: c.0,
                text: text.clone(),
                at: views::utc(*at),
            })
            .collect(),
        entries: l
            .entries
            .iter()
            .map(|e| super::campaigns::entry(e, Some(id)))
            .collect::<Result<_, _>>()?,
        ballots: l
            .ballots
            .iter()
            .map(|b| {
                Ok(HeldBallot {
                    campaign_id: b.campaign_id.0,
                    entry_ids: serde_json::from_str(&b.entry_ids)
                        .map_err(|e| ApiError::bug(format!("a ballot's choices: {e}")))?,
                    status: views::enum_of(&b.status)?,
                    at: views::utc(b.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?,
    })
}

/// Everything held about the caller, as one JSON document (PIPL art. 45): profile with the
/// full phone number, consents, children, needs asked for, claims, service records, every
/// points movement, suggestions, the inbox, and their part in community life (memberships,
/// attendance, scans, campaign sign-ups, pledges, entries and their own ballots).
#[utoipa::path(tag = "me", operation_id = "export_me",
    responses((status = 200, body = PersonalData), Problems), security(("bearer" = [])))]
#[get("/me/export")]
pub async fn export_me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let (actor, policy) = (auth.0, state.policy.clone());
    let data = db::read(&state.pool, move |conn| {
        let id = actor.user_id;
        let profile = load_me(conn, id, &policy)?;
        let phone = store::find_user(conn, id)?.and_then(|u| u.phone);
        let points = match ledger::account_of(
            conn,
            actor.community_id,
            canglong_ledger::AccountKind::Resident.as_str(),
            id,
        )? {
            Some(a) => held::postings(conn, a.id.0)?
                .iter()
                .map(|(p, t)| {
                    Ok(PointsMovement {
                        transaction_id: t.id.0,
                        kind: views::enum_of(&t.kind.to_string())?,
                        memo: t.memo.clone(),
                        amount: p.amount,
                        // A resident's account keeps its balance: every posting carries one.
                        balance_after: p.balance_after.unwrap_or_default(),
                        created_at: views::utc(p.created_at),
                    })
                })
                .collect::<Result<_, ApiError>>()?,
            None => Vec::new(),
        };
        Ok(PersonalData {
            exported_at: chrono::Utc::now(),
            phone,
            consents: store::consents_of(conn, id)?
                .into_iter()
                .map(|c| Consent {
                    policy_version: c.policy_version,
                    granted_at: views::utc(c.granted_at),
                })
                .collect(),
            children: children(conn, id)?.items,
            needs_posted: held::needs_requested(conn, id)?
                .iter()
                .map(views::need)
                .collect::<Result<_, _>>()?,
            claims: held::claims_made(conn, id)?
                .iter()
                .map(views::claim)
                .collect::<Result<_, _>>()?,
            service_records: held::service_records(conn, id)?
                .iter()
                .map(views::service_record)
                .collect::<Result<_, _>>()?,
            points,
            suggestions: held::suggestions(conn, id)?
                .iter()
                .map(|r| views::suggestion(r, &actor))
                .collect::<Result<_, _>>()?,
            notifications: held::notifications(conn, id)?
                .iter()
                .map(views::notification)
                .collect::<Result<_, _>>()?,
            community_life: community_life(conn, id)?,
            self_governance: self_governance(conn, id)?,
            profile,
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"my-data.json\"",
        ))
        .json(data))
}
