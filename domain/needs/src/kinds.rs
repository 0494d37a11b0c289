use canglong_core::wire_enum;

/// A need of this many minutes or fewer is a micro-service (微服务), claimable in one tap.
pub const MICRO_MAX_MINUTES: i32 = 15;

pub fn is_micro(estimated_minutes: i32) -> bool {
    estimated_minutes <= MICRO_MAX_MINUTES
}

wire_enum!(
    /// What kind of help is needed.
    Category {
        MedicineRun = "medicine_run",
        PhoneHelp = "phone_help",
        Repair = "repair",
        Companionship = "companionship",
        Tutoring = "tutoring",
        Errand = "errand",
        Other = "other",
    }
);

wire_enum!(
    /// Who is served: 一老一小一新, or anyone.
    TargetGroup {
        Elderly = "elderly",
        Child = "child",
        NewEmployment = "new_employment",
        General = "general",
    }
);

wire_enum!(
    /// A volunteer's hold on a slot of a need.
    ClaimStatus {
        Active = "active",
        Withdrawn = "withdrawn",
        Cancelled = "cancelled",
    }
);

wire_enum!(
    NeedStatus {
        Open = "open",
        Claimed = "claimed",
        Done = "done",
        Confirmed = "confirmed",
        Cancelled = "cancelled",
        Expired = "expired",
    }
);

wire_enum!(
    /// What happened to a need, as its history says.
    NeedAction {
        Posted = "posted",
        Claimed = "claimed",
        Withdrawn = "withdrawn",
        Completed = "completed",
        Confirmed = "confirmed",
        AutoConfirmed = "auto_confirmed",
        Cancelled = "cancelled",
        Expired = "expired",
        Escalated = "escalated",
        Rated = "rated",
    }
);
