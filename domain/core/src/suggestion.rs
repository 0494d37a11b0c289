//! The suggestion box (意见箱): what a suggestion is about, where it came from, where it stands.

use crate::DomainError;

crate::wire_enum!(
    SuggestionCategory {
        CourseWanted = "course_wanted",
        UrgentService = "urgent_service",
        Complaint = "complaint",
        Other = "other",
    }
);

crate::wire_enum!(
    SuggestionStatus {
        Open = "open",
        InProgress = "in_progress",
        Adopted = "adopted",
        Declined = "declined",
        Closed = "closed",
    }
);

crate::wire_enum!(
    /// Written in the app, or entered by staff from a note in the physical box (no author).
    SuggestionSource {
        App = "app",
        Paper = "paper",
    }
);

/// A suggestion says something: at least two characters once trimmed.
pub fn check_text(text: &str) -> Result<&str, DomainError> {
    let text = text.trim();
    if text.chars().count() < 2 {
        return Err(DomainError::invalid(
            "text_too_short",
            "write at least two characters",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_needs_two_characters() {
        assert_eq!(check_text(" 好 ").unwrap_err().code, "text_too_short");
        assert_eq!(check_text(" 好的 ").unwrap(), "好的");
    }
}
