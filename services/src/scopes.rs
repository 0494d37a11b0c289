//! Scopes of self-governance on the community's records: a building of the community, a cluster
//! its buildings name, the community; and whether someone lives inside.

use canglong_core::{Actor, Role, Uuid};
use canglong_governance::scope::{Home, Scope, ScopeLevel};
use canglong_persistence::{AnyConnection, polls as homes, residents};

use crate::error::{Error, Result};

/// The scope named on the wire, checked against the community's buildings.
pub fn scope(
    conn: &mut AnyConnection,
    community: Uuid,
    level: ScopeLevel,
    building: Option<Uuid>,
    cluster: Option<&str>,
) -> Result<Scope> {
    let s = Scope::of(level, building, cluster)?;
    match &s {
        Scope::Building(b) => {
            residents::building(conn, community, *b)?
                .ok_or_else(|| Error::unprocessable("unknown_building", "no such building here"))?;
        }
        Scope::Cluster(c) => {
            if !residents::cluster_exists(conn, community, c)? {
                return Err(Error::unprocessable(
                    "unknown_cluster",
                    "no building of the community is in that cluster",
                ));
            }
        }
        Scope::Community => {}
    }
    Ok(s)
}

/// The scope a stored row names.
pub fn stored(level: ScopeLevel, building: Option<Uuid>, cluster: Option<&str>) -> Result<Scope> {
    Ok(Scope::of(level, building, cluster)?)
}

/// Whether `inner` (a topic's scope) lies inside `outer` (a meeting's, a poll's).
pub fn covers(
    conn: &mut AnyConnection,
    community: Uuid,
    outer: &Scope,
    inner: &Scope,
) -> Result<bool> {
    let cluster = match inner.building() {
        Some(b) => residents::building(conn, community, b)?.map(|b| b.cluster),
        None => None,
    };
    Ok(outer.covers(inner, cluster.as_deref()))
}

/// Where a person of the community lives, from the directory.
pub fn home_of(conn: &mut AnyConnection, community: Uuid, user: Uuid) -> Result<Option<Home>> {
    Ok(homes::home_of(conn, community, user)?)
}

/// Where the caller lives.
pub fn home(conn: &mut AnyConnection, actor: &Actor) -> Result<Option<Home>> {
    home_of(conn, actor.community_id, actor.user_id)
}

/// A resident of the scope: of the community for a community scope, of the building or
/// cluster by the directory otherwise. Anyone else is refused with 422 `outside_scope`.
pub fn require_inside(conn: &mut AnyConnection, actor: &Actor, scope: &Scope) -> Result<()> {
    actor.require(&[Role::Resident])?;
    let home = home(conn, actor)?;
    let inside = match scope {
        Scope::Community => true,
        _ => scope.contains(home.as_ref()),
    };
    if inside {
        Ok(())
    } else {
        Err(Error::unprocessable(
            "outside_scope",
            "this is for the residents of its building, cluster or community",
        ))
    }
}
