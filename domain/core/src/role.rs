use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

/// A role held inside one community (see the roles table of the product).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Volunteer,
    SocialWorker,
    CommunityAdmin,
    SubdistrictAdmin,
    MerchantStaff,
    /// 楼栋长: registers residents and posts for them in their own buildings only.
    BuildingHead,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Resident,
        Role::Volunteer,
        Role::SocialWorker,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
        Role::MerchantStaff,
        Role::BuildingHead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Volunteer => "volunteer",
            Role::SocialWorker => "social_worker",
            Role::CommunityAdmin => "community_admin",
            Role::SubdistrictAdmin => "subdistrict_admin",
            Role::MerchantStaff => "merchant_staff",
            Role::BuildingHead => "building_head",
        }
    }

    /// Community staff: those who act for the community rather than for themselves.
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::SocialWorker | Role::CommunityAdmin | Role::SubdistrictAdmin
        )
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::invalid("invalid_role", format!("unknown role `{s}`")))
    }
}

/// The signed-in caller, as the access token describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub community_id: Uuid,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }
    /// Refuses with 403 unless the actor holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), DomainError> {
        if self.has_any(roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(DomainError::forbidden(
                "forbidden_role",
                format!("requires one of: {}", names.join(", ")),
            ))
        }
    }
    pub fn require_staff(&self) -> Result<(), DomainError> {
        self.require(&[
            Role::SocialWorker,
            Role::CommunityAdmin,
            Role::SubdistrictAdmin,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("ops".parse::<Role>().is_err());
    }

    #[test]
    fn require_refuses_missing_roles() {
        let a = Actor {
            user_id: Uuid::nil(),
            community_id: Uuid::nil(),
            roles: vec![Role::Resident],
        };
        assert!(a.require(&[Role::CommunityAdmin]).is_err());
        assert!(a.require(&[Role::Resident]).is_ok());
        assert!(a.require_staff().is_err());
    }
}
