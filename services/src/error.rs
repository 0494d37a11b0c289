//! What a use case answers when it does not succeed. The api crate maps each variant to one
//! HTTP status; nothing here knows HTTP.

use std::borrow::Cow;
use std::panic::Location;

use canglong_core::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused by a rule: invalid, conflicting, forbidden or not found.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// Too many attempts: the caller may try again after `retry_after` seconds.
    #[error("{code}: {message}")]
    Limited {
        code: &'static str,
        message: Cow<'static, str>,
        retry_after: u64,
    },
    /// The database refused or failed; the api tells a lost race or a transient conflict apart.
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
    /// A broken invariant of our own (a row that must exist does not, a stored value that does
    /// not parse). Logged once, where it was found.
    #[error("internal: {what} at {location}")]
    Bug {
        what: Cow<'static, str>,
        location: &'static Location<'static>,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(what: &'static str) -> Self {
        DomainError::not_found(what).into()
    }
    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        DomainError::conflict(code, message).into()
    }
    pub fn unprocessable(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        DomainError::invalid(code, message).into()
    }
    pub fn unauthorized(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        DomainError::unauthenticated(code, message).into()
    }
    pub fn forbidden(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        DomainError::forbidden(code, message).into()
    }
    pub fn too_many(
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        retry_after: u64,
    ) -> Self {
        Self::Limited {
            code,
            message: message.into(),
            retry_after,
        }
    }
    /// A bug: logged here with its cause and where it was found, once.
    #[track_caller]
    pub fn bug(what: impl Into<Cow<'static, str>>) -> Self {
        let (what, location) = (what.into(), Location::caller());
        tracing::error!(%what, %location, "internal error");
        Self::Bug { what, location }
    }
    /// The stable machine code of a refusal (`not_found`, `too_many_attempts`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Rule(e) => e.code,
            Self::Limited { code, .. } => code,
            Self::Storage(_) | Self::Bug { .. } => "internal",
        }
    }
}
