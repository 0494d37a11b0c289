use std::borrow::Cow;

/// How a refused request should be understood by the caller; the API maps each to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Well-formed but not allowed by the rules or the current state (422).
    Invalid,
    /// Conflicts with the current state of the object (409).
    Conflict,
    /// The caller's role or relation to the object does not allow it (403).
    Forbidden,
    /// Not there, or not visible to the caller (404).
    NotFound,
    /// The credentials presented are not (or no longer) good (401).
    Unauthenticated,
}

/// A refusal by the business rules, with a stable machine `code` (`need_full`, `own_need`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DomainError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: Cow<'static, str>,
}

impl DomainError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
        }
    }
    pub fn invalid(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Invalid, code, message)
    }
    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }
    pub fn forbidden(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }
    pub fn unauthenticated(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, message)
    }
    pub fn not_found(what: &'static str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            "not_found",
            format!("{what} not found"),
        )
    }
}
