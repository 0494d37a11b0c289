//! Routes by area. Each handler is a use case: check the caller, then one transaction that
//! loads, decides (domain) and stores.

pub mod activities;
pub mod alliance;
pub mod associations;
pub mod auth;
pub mod buildings;
pub mod campaigns;
pub mod certificates;
pub mod conventions;
pub mod me;
pub mod meetings;
pub mod needs;
pub mod notifications;
pub mod pairings;
pub mod people;
pub mod points;
pub mod polls;
pub mod service_records;
pub mod spaces;
pub mod stats;
pub mod suggestions;
pub mod system;
pub mod teams;
pub mod topics;
pub mod trainings;
pub mod views;
pub mod volunteers;

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, response::Response};
use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(auth::configure)
        .configure(me::configure)
        .configure(needs::configure)
        .configure(points::configure)
        .configure(alliance::configure)
        .configure(activities::configure)
        .configure(notifications::configure)
        .configure(suggestions::configure)
        .configure(stats::configure)
        .configure(service_records::configure)
        .configure(volunteers::configure)
        .configure(teams::configure)
        .configure(pairings::configure)
        .configure(trainings::configure)
        .configure(certificates::configure)
        .configure(people::configure)
        .configure(buildings::configure)
        .configure(spaces::configure)
        .configure(associations::configure)
        .configure(campaigns::configure)
        .configure(topics::configure)
        .configure(meetings::configure)
        .configure(polls::configure)
        .configure(conventions::configure);
}

/// The problem+json answers an API operation may give, documented once for all of them.
pub struct Problems;

impl utoipa::IntoResponses for Problems {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [
            ("400", "Malformed JSON, a wrong type or an unknown field"),
            ("401", "Missing, invalid or expired access token"),
            (
                "403",
                "The caller's role or relation to the object does not allow it",
            ),
            ("404", "Not found, or not visible to the caller"),
            (
                "409",
                "Conflicts with the current state, or an Idempotency-Key reused with another body",
            ),
            ("413", "Body too large"),
            ("415", "The body is not sent as application/json"),
            (
                "422",
                "Well-formed but invalid values, or a forbidden state transition",
            ),
            ("429", "Rate limited; see Retry-After"),
        ]
        .into_iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/problem+json", content)
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
    }
}
