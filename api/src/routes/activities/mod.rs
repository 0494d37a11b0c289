//! Projects and activities (项目化运作): projects with course packages, sessions in rooms,
//! enrolment with a waitlist, check-in, partners.

pub mod places;
pub mod projects;
pub mod sessions;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(projects::configure)
        .configure(sessions::configure)
        .configure(places::configure);
}
