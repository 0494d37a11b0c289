use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An RFC 9457 problem: every error the API returns has this shape and a stable `code`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "https://canglong.example/problems/need_full", "title": "Conflict",
    "status": 409, "detail": "every slot is taken", "code": "need_full"}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `insufficient_points`, `need_full`.
    pub code: String,
    /// For validation failures: which field, and what is wrong with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// How a listing answers: JSON (the default) or a CSV file (UTF-8 with a byte-order mark, so
/// Excel opens it) for filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Json,
    Csv,
}

/// A file-only export answers CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvFormat {
    #[default]
    Csv,
}
