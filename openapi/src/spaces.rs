use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    ActivityCentre,
    SeniorCentre,
    RiderStation,
    Other,
}

/// A place of the community (the 800 m² activity centre, the senior centre, the riders' station
/// 夏小驿), with its zones.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "老年大学教学点", "kind": "senior_centre", "area_m2": 120,
    "zones": [{"name": "书画教室"}, {"name": "声乐教室"}]}))]
pub struct NewPlace {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub kind: PlaceKind,
    /// Floor area in square metres.
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    #[serde(default)]
    pub area_m2: i32,
    /// The zones (the activity centre's six), each name once.
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub zones: Vec<NewZone>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewZone {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

/// A service a place offers (a rest, charging, water …).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewPlaceService {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlaceService {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Place {
    pub id: Uuid,
    pub name: String,
    pub kind: PlaceKind,
    pub area_m2: i32,
    pub zones: Vec<String>,
    pub services: Vec<PlaceService>,
    /// The code on the place's poster that visitors scan; shown to staff only.
    pub code: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlaceList {
    pub items: Vec<Place>,
}

/// A walk-in visit: staff tally `count` people, or a visitor sends the place's `code` (scanned
/// from its poster) for their own visit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"place_id": "01939a2e-4b7c-7d3e-9f00-000000000005", "count": 3}))]
pub struct NewVisit {
    pub place_id: Uuid,
    /// One of the place's zones.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub zone: Option<String>,
    /// One of the place's services (what a rider used at the station).
    pub service_id: Option<Uuid>,
    /// People counted (staff tally: 1–500; a visitor: 1). Default 1.
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500)]
    pub count: Option<i32>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Visit {
    pub id: Uuid,
    pub place_id: Uuid,
    pub zone: Option<String>,
    pub service_id: Option<Uuid>,
    pub people: i32,
    /// `tally` (staff) or `scan` (the visitor).
    pub recorded_as: VisitSource,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitSource {
    Tally,
    Scan,
}
