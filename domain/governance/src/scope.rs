//! Scopes (a building, an estate cluster, the community) and the electorate within one.

use std::collections::BTreeMap;

use canglong_core::{DomainError, Uuid, wire_enum};

wire_enum!(
    ScopeLevel {
        Building = "building",
        Cluster = "cluster",
        Community = "community",
    }
);

wire_enum!(
    /// Who holds a ballot: each person, or each household (one per registered flat).
    Unit {
        Person = "person",
        Household = "household",
    }
);

/// Where a topic, a meeting or a poll belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Building(Uuid),
    Cluster(String),
    Community,
}

impl Scope {
    /// The scope from its parts on the wire or in a row; a building scope names its building,
    /// a cluster scope its cluster.
    pub fn of(
        level: ScopeLevel,
        building: Option<Uuid>,
        cluster: Option<&str>,
    ) -> Result<Self, DomainError> {
        match (level, building, cluster.map(str::trim)) {
            (ScopeLevel::Building, Some(b), _) => Ok(Self::Building(b)),
            (ScopeLevel::Cluster, _, Some(c)) if !c.is_empty() => Ok(Self::Cluster(c.to_owned())),
            (ScopeLevel::Community, _, _) => Ok(Self::Community),
            _ => Err(DomainError::invalid(
                "invalid_scope",
                "a building scope names its building_id, a cluster scope its cluster",
            )),
        }
    }
    pub fn level(&self) -> ScopeLevel {
        match self {
            Self::Building(_) => ScopeLevel::Building,
            Self::Cluster(_) => ScopeLevel::Cluster,
            Self::Community => ScopeLevel::Community,
        }
    }
    pub fn building(&self) -> Option<Uuid> {
        match self {
            Self::Building(b) => Some(*b),
            _ => None,
        }
    }
    pub fn cluster(&self) -> Option<&str> {
        match self {
            Self::Cluster(c) => Some(c),
            _ => None,
        }
    }
    /// Whether someone living at `home` is inside.
    pub fn contains(&self, home: Option<&Home>) -> bool {
        match (self, home) {
            (Self::Community, _) => true,
            (Self::Building(b), Some(h)) => h.building == Some(*b),
            (Self::Cluster(c), Some(h)) => h.cluster.as_deref() == Some(c.as_str()),
            _ => false,
        }
    }
    /// Whether `inner` lies inside this scope (a meeting's topics, a poll on a topic);
    /// `inner_cluster` is the cluster of `inner`'s building, if it is a building.
    pub fn covers(&self, inner: &Scope, inner_cluster: Option<&str>) -> bool {
        match (self, inner) {
            (Self::Community, _) => true,
            (Self::Cluster(c), Self::Cluster(d)) => c == d,
            (Self::Cluster(c), Self::Building(_)) => inner_cluster == Some(c.as_str()),
            (Self::Building(a), Self::Building(b)) => a == b,
            _ => false,
        }
    }
}

/// Where a resident lives, from the residents directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub user: Uuid,
    pub building: Option<Uuid>,
    pub cluster: Option<String>,
    pub unit: String,
    pub room: String,
    /// Under 18 (tagged `child` in the directory): no vote on residents' decisions.
    pub minor: bool,
}

impl Home {
    /// The household: the registered flat (building, unit, room); someone without a flat on
    /// record is a household of one.
    pub fn household(&self) -> String {
        match self.building {
            Some(b) if !self.room.trim().is_empty() => format!(
                "{b}/{}/{}",
                self.unit.trim().to_lowercase(),
                self.room.trim().to_lowercase()
            ),
            _ => self.user.to_string(),
        }
    }
    /// The key under which this person's ballot is held: themselves, or their household.
    pub fn elector(&self, unit: Unit) -> String {
        match unit {
            Unit::Person => self.user.to_string(),
            Unit::Household => self.household(),
        }
    }
}

/// The electorate of a scope: every adult of the directory living inside, each with the key of
/// the ballot they may cast (shared by a household). `electors` counts distinct keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Electorate {
    pub people: BTreeMap<Uuid, String>,
}

impl Electorate {
    pub fn of(scope: &Scope, unit: Unit, homes: &[Home]) -> Self {
        let people = homes
            .iter()
            .filter(|h| !h.minor && scope.contains(Some(h)))
            .map(|h| (h.user, h.elector(unit)))
            .collect();
        Self { people }
    }
    pub fn electors(&self) -> i64 {
        let keys: std::collections::BTreeSet<&String> = self.people.values().collect();
        keys.len() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(n: u128, building: Option<u128>, room: &str, minor: bool) -> Home {
        Home {
            user: Uuid::from_u128(n),
            building: building.map(Uuid::from_u128),
            cluster: building.map(|b| if b < 10 { "A".into() } else { "B".into() }),
            unit: "1单元".into(),
            room: room.into(),
            minor,
        }
    }

    #[test]
    fn a_scope_needs_its_place() {
        assert!(Scope::of(ScopeLevel::Building, None, None).is_err());
        assert!(Scope::of(ScopeLevel::Cluster, None, Some("  ")).is_err());
        assert_eq!(
            Scope::of(ScopeLevel::Community, None, None).unwrap(),
            Scope::Community
        );
    }

    #[test]
    fn households_share_a_key_and_children_do_not_vote() {
        let homes = [
            home(1, Some(3), "301", false),
            home(2, Some(3), "301 ", false),
            home(3, Some(3), "302", false),
            home(4, Some(3), "302", true),
            home(5, Some(12), "101", false),
            home(6, None, "", false),
        ];
        let b3 = Scope::Building(Uuid::from_u128(3));
        let person = Electorate::of(&b3, Unit::Person, &homes);
        assert_eq!(person.people.len(), 3);
        assert_eq!(person.electors(), 3);
        let household = Electorate::of(&b3, Unit::Household, &homes);
        assert_eq!(household.people.len(), 3);
        assert_eq!(household.electors(), 2);
        let all = Electorate::of(&Scope::Community, Unit::Household, &homes);
        assert_eq!(all.electors(), 4);
        let cluster = Electorate::of(&Scope::Cluster("B".into()), Unit::Person, &homes);
        assert_eq!(cluster.electors(), 1);
    }

    #[test]
    fn covering() {
        let a = Scope::Cluster("A".into());
        assert!(a.covers(&Scope::Building(Uuid::from_u128(3)), Some("A")));
        assert!(!a.covers(&Scope::Building(Uuid::from_u128(12)), Some("B")));
        assert!(!a.covers(&Scope::Community, None));
        assert!(Scope::Community.covers(&a, None));
    }
}
