//! The people behind the needs: buildings and their heads, the residents directory, binding
//! codes, family proxy links, outreach visits, mediation cases, and the care a resident received.
//! A directory entry shares its id with the person's account (`residents.id = users.id`), so a
//! need's requester, a record's beneficiary and a directory entry are one id.

use canglong_core::{Cursor, NaiveDateTime, PageRequest, Uuid, now};
use canglong_people::{ConsentMethod, MediationStatus, RelativeStatus, ResidentTag};
use canglong_volunteers::RecordStatus;
use diesel::prelude::*;

use crate::db::MultiBackend;
use crate::schema::{
    binding_codes, building_heads, buildings, communities, mediation_sessions, mediations,
    outreach, relatives, residents, service_records, users, volunteers,
};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = buildings)]
pub struct BuildingRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub cluster: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_building(
    conn: &mut AnyConnection,
    community: Uuid,
    name: &str,
    cluster: &str,
) -> QueryResult<BuildingRow> {
    insert_building_as(conn, canglong_core::new_id(), community, name, cluster)
}

/// A building with a chosen id (the demo's is the one the document's examples name).
pub fn insert_building_as(
    conn: &mut AnyConnection,
    id: Uuid,
    community: Uuid,
    name: &str,
    cluster: &str,
) -> QueryResult<BuildingRow> {
    let row = BuildingRow {
        id: Id(id),
        community_id: Id(community),
        name: name.into(),
        cluster: cluster.into(),
        created_at: now(),
    };
    diesel::insert_into(buildings::table)
        .values((
            buildings::id.eq(row.id),
            buildings::community_id.eq(row.community_id),
            buildings::name.eq(&row.name),
            buildings::cluster.eq(&row.cluster),
            buildings::created_at.eq(row.created_at),
        ))
        .execute(conn)?;
    Ok(row)
}

pub fn building_named(
    conn: &mut AnyConnection,
    community: Uuid,
    name: &str,
) -> QueryResult<Option<BuildingRow>> {
    buildings::table
        .filter(buildings::community_id.eq(Id(community)))
        .filter(buildings::name.eq(name))
        .select(BuildingRow::as_select())
        .first(conn)
        .optional()
}

pub fn building(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<BuildingRow>> {
    buildings::table
        .filter(buildings::community_id.eq(Id(community)))
        .filter(buildings::id.eq(Id(id)))
        .select(BuildingRow::as_select())
        .first(conn)
        .optional()
}

/// The community's buildings by name, a page after the cursor.
pub fn buildings(
    conn: &mut AnyConnection,
    community: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<BuildingRow>> {
    let mut q = buildings::table
        .filter(buildings::community_id.eq(Id(community)))
        .select(BuildingRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(Cursor(after)) = page.after {
        q = q.filter(buildings::id.gt(Id(after)));
    }
    q.order(buildings::id.asc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = building_heads)]
pub struct HeadRow {
    pub building_id: Id,
    pub user_id: Id,
    pub community_id: Id,
    pub party_member: bool,
    pub created_at: NaiveDateTime,
}

/// Makes `user` a head of `building`; false if they already were.
pub fn add_head(
    conn: &mut AnyConnection,
    community: Uuid,
    building: Uuid,
    user: Uuid,
    party_member: bool,
) -> QueryResult<bool> {
    let held: bool = diesel::select(diesel::dsl::exists(
        building_heads::table
            .filter(building_heads::building_id.eq(Id(building)))
            .filter(building_heads::user_id.eq(Id(user))),
    ))
    .get_result(conn)?;
    if held {
        return Ok(false);
    }
    diesel::insert_into(building_heads::table)
        .values((
            building_heads::building_id.eq(Id(building)),
            building_heads::user_id.eq(Id(user)),
            building_heads::community_id.eq(Id(community)),
            building_heads::party_member.eq(party_member),
            building_heads::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The heads of these buildings, with their names.
pub fn heads_of(
    conn: &mut AnyConnection,
    buildings: &[Uuid],
) -> QueryResult<Vec<(HeadRow, String)>> {
    let ids: Vec<Id> = buildings.iter().copied().map(Id).collect();
    building_heads::table
        .inner_join(users::table.on(users::id.eq(building_heads::user_id)))
        .filter(building_heads::building_id.eq_any(ids))
        .order((building_heads::building_id, building_heads::created_at))
        .select((HeadRow::as_select(), users::nickname))
        .load(conn)
}

/// The buildings `user` heads.
pub fn headed_by(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Id> = building_heads::table
        .filter(building_heads::user_id.eq(Id(user)))
        .select(building_heads::building_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = residents)]
pub struct ResidentRow {
    pub id: Id,
    pub community_id: Id,
    pub user_id: Id,
    pub building_id: Option<Id>,
    pub unit: String,
    pub room: String,
    pub phone: Option<String>,
    /// A JSON array of tag names.
    pub tags: String,
    pub consent_method: Stored<ConsentMethod>,
    /// Who gave the consent (the resident, or the guardian who signed for them).
    pub consent_by: String,
    pub consent_recorded_by: Id,
    pub consent_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A directory entry with the person's name.
#[derive(Debug, Clone)]
pub struct Entry {
    pub row: ResidentRow,
    pub name: String,
}

pub fn insert_resident(conn: &mut AnyConnection, r: &ResidentRow) -> QueryResult<()> {
    diesel::insert_into(residents::table)
        .values(r)
        .execute(conn)
        .map(|_| ())
}

pub fn resident(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<Entry>> {
    residents::table
        .inner_join(users::table.on(users::id.eq(residents::user_id)))
        .filter(residents::community_id.eq(Id(community)))
        .filter(residents::id.eq(Id(id)))
        .select((ResidentRow::as_select(), users::nickname))
        .first(conn)
        .optional()
        .map(|o| o.map(|(row, name)| Entry { row, name }))
}

/// Which residents a search shows.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Only these buildings (a building head's reach); `None` is the whole community.
    pub within: Option<Vec<Uuid>>,
    pub building_id: Option<Uuid>,
    pub tag: Option<String>,
    pub name: Option<String>,
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn like(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

pub fn search(
    conn: &mut AnyConnection,
    community: Uuid,
    s: &Search,
    page: &PageRequest,
) -> QueryResult<Vec<Entry>> {
    let mut q = residents::table
        .inner_join(users::table.on(users::id.eq(residents::user_id)))
        .filter(residents::community_id.eq(Id(community)))
        .select((ResidentRow::as_select(), users::nickname))
        .into_boxed::<MultiBackend>();
    if let Some(within) = &s.within {
        let ids: Vec<Id> = within.iter().copied().map(Id).collect();
        q = q.filter(residents::building_id.eq_any(ids));
    }
    if let Some(b) = s.building_id {
        q = q.filter(residents::building_id.eq(Id(b)));
    }
    if let Some(tag) = &s.tag {
        q = q.filter(
            residents::tags
                .like(like(&format!("\"{tag}\"")))
                .escape('\\'),
        );
    }
    if let Some(name) = &s.name {
        q = q.filter(users::nickname.like(like(name)).escape('\\'));
    }
    if let Some(Cursor(after)) = page.after {
        q = q.filter(residents::id.gt(Id(after)));
    }
    let rows: Vec<(ResidentRow, String)> = q
        .order(residents::id.asc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, name)| Entry { row, name })
        .collect())
}

/// Every directory entry of the community who needs visits (living alone or elderly).
pub fn needing_visits(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<Entry>> {
    let tag = |t: ResidentTag| like(&format!("\"{}\"", t.as_str()));
    let rows: Vec<(ResidentRow, String)> = residents::table
        .inner_join(users::table.on(users::id.eq(residents::user_id)))
        .filter(residents::community_id.eq(Id(community)))
        .filter(users::erased_at.is_null())
        .filter(
            residents::tags
                .like(tag(ResidentTag::LivingAlone))
                .escape('\\')
                .or(residents::tags.like(tag(ResidentTag::Elderly)).escape('\\')),
        )
        .select((ResidentRow::as_select(), users::nickname))
        .order(residents::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, name)| Entry { row, name })
        .collect())
}

/// The last time each of `people` was served (by a record not rejected) or visited by a
/// building head.
pub fn last_visits(
    conn: &mut AnyConnection,
    community: Uuid,
    people: &[Uuid],
) -> QueryResult<Vec<(Uuid, NaiveDateTime)>> {
    let ids: Vec<Id> = people.iter().copied().map(Id).collect();
    let served: Vec<(Option<Id>, Option<NaiveDateTime>)> = service_records::table
        .filter(service_records::community_id.eq(Id(community)))
        .filter(service_records::beneficiary_id.eq_any(ids.clone()))
        .filter(service_records::status.ne(Stored(RecordStatus::Rejected)))
        .group_by(service_records::beneficiary_id)
        .select((
            service_records::beneficiary_id,
            diesel::dsl::max(service_records::created_at),
        ))
        .load(conn)?;
    let visited: Vec<(Option<Id>, Option<NaiveDateTime>)> = outreach::table
        .filter(outreach::community_id.eq(Id(community)))
        .filter(outreach::resident_id.eq_any(ids))
        .group_by(outreach::resident_id)
        .select((
            outreach::resident_id,
            diesel::dsl::max(outreach::visited_at),
        ))
        .load(conn)?;
    Ok(served
        .into_iter()
        .chain(visited)
        .filter_map(|(who, at)| Some((who?.0, at?)))
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = binding_codes)]
pub struct BindingRow {
    pub code_hash: String,
    pub community_id: Id,
    pub resident_id: Id,
    pub created_by: Id,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub used_by: Option<Id>,
}

pub fn insert_binding(conn: &mut AnyConnection, b: &BindingRow) -> QueryResult<()> {
    diesel::insert_into(binding_codes::table)
        .values((
            binding_codes::code_hash.eq(&b.code_hash),
            binding_codes::community_id.eq(b.community_id),
            binding_codes::resident_id.eq(b.resident_id),
            binding_codes::created_by.eq(b.created_by),
            binding_codes::expires_at.eq(b.expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The binding code with this hash, locked for its single use.
pub fn lock_binding(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<BindingRow>> {
    let q = binding_codes::table
        .filter(binding_codes::code_hash.eq(hash))
        .select(binding_codes::all_columns);
    for_update!(conn, q, first::<BindingRow>).optional()
}

/// Spends a binding code; false if it was spent meanwhile.
pub fn spend_binding(conn: &mut AnyConnection, hash: &str, by: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        binding_codes::table
            .filter(binding_codes::code_hash.eq(hash))
            .filter(binding_codes::used_at.is_null()),
    )
    .set((
        binding_codes::used_at.eq(Some(now())),
        binding_codes::used_by.eq(Some(Id(by))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves a WeChat identity from one account to another (the caller's fresh account to the
/// registered resident's): both accounts' tokens end, so each signs in again as who they are.
pub fn move_openid(
    conn: &mut AnyConnection,
    from: Uuid,
    to: Uuid,
    openid: &str,
) -> QueryResult<()> {
    crate::people::bearer_changed();
    diesel::update(users::table.find(Id(from)))
        .set((
            users::wechat_openid.eq(None::<String>),
            users::disabled_at.eq(Some(now())),
            users::token_version.eq(users::token_version + 1),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(Id(to)))
        .set((
            users::wechat_openid.eq(Some(openid)),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = relatives)]
pub struct RelativeRow {
    pub id: Id,
    pub community_id: Id,
    pub proxy_id: Id,
    pub elder_id: Id,
    pub relation: String,
    pub status: Stored<RelativeStatus>,
    pub requested_at: NaiveDateTime,
    pub decided_by: Option<Id>,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert_relative(conn: &mut AnyConnection, r: &RelativeRow) -> QueryResult<()> {
    diesel::insert_into(relatives::table)
        .values((
            relatives::id.eq(r.id),
            relatives::community_id.eq(r.community_id),
            relatives::proxy_id.eq(r.proxy_id),
            relatives::elder_id.eq(r.elder_id),
            relatives::relation.eq(&r.relation),
            relatives::status.eq(r.status),
            relatives::requested_at.eq(r.requested_at),
            relatives::decided_by.eq(r.decided_by),
            relatives::decided_at.eq(r.decided_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn relative_pair(
    conn: &mut AnyConnection,
    proxy: Uuid,
    elder: Uuid,
) -> QueryResult<Option<RelativeRow>> {
    relatives::table
        .filter(relatives::proxy_id.eq(Id(proxy)))
        .filter(relatives::elder_id.eq(Id(elder)))
        .select(RelativeRow::as_select())
        .first(conn)
        .optional()
}

pub fn lock_relative(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<RelativeRow>> {
    let q = relatives::table
        .filter(relatives::id.eq(Id(id)))
        .filter(relatives::community_id.eq(Id(community)))
        .select(relatives::all_columns);
    for_update!(conn, q, first::<RelativeRow>).optional()
}

/// Sets a link's status (a new request over a declined or ended one starts it again).
pub fn set_relative(
    conn: &mut AnyConnection,
    id: Uuid,
    status: RelativeStatus,
    by: Option<Uuid>,
    relation: Option<&str>,
) -> QueryResult<()> {
    let at = now();
    let (decided_by, decided_at, requested) = match status {
        RelativeStatus::Pending => (None, None, Some(at)),
        _ => (by.map(Id), Some(at), None),
    };
    diesel::update(relatives::table.find(Id(id)))
        .set((
            relatives::status.eq(Stored(status)),
            relatives::decided_by.eq(decided_by),
            relatives::decided_at.eq(decided_at),
        ))
        .execute(conn)?;
    if let Some(requested) = requested {
        diesel::update(relatives::table.find(Id(id)))
            .set(relatives::requested_at.eq(requested))
            .execute(conn)?;
    }
    if let Some(r) = relation {
        diesel::update(relatives::table.find(Id(id)))
            .set(relatives::relation.eq(r))
            .execute(conn)?;
    }
    Ok(())
}

/// Links where `user` is the family member or the elder, with the other person's name.
pub fn links_of(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<(RelativeRow, String)>> {
    let as_proxy: Vec<(RelativeRow, String)> = relatives::table
        .inner_join(users::table.on(users::id.eq(relatives::elder_id)))
        .filter(relatives::proxy_id.eq(Id(user)))
        .select((RelativeRow::as_select(), users::nickname))
        .load(conn)?;
    let as_elder: Vec<(RelativeRow, String)> = relatives::table
        .inner_join(users::table.on(users::id.eq(relatives::proxy_id)))
        .filter(relatives::elder_id.eq(Id(user)))
        .select((RelativeRow::as_select(), users::nickname))
        .load(conn)?;
    let mut all: Vec<_> = as_proxy.into_iter().chain(as_elder).collect();
    all.sort_by_key(|(r, _)| r.id.0);
    Ok(all)
}

/// The relatives `proxy` acts for (confirmed links).
pub fn elders_of(conn: &mut AnyConnection, proxy: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Id> = relatives::table
        .filter(relatives::proxy_id.eq(Id(proxy)))
        .filter(relatives::status.eq(Stored(RelativeStatus::Confirmed)))
        .select(relatives::elder_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// The residents registered in these buildings.
pub fn living_in(
    conn: &mut AnyConnection,
    community: Uuid,
    buildings: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let b: Vec<Id> = buildings.iter().copied().map(Id).collect();
    let ids: Vec<Id> = residents::table
        .filter(residents::community_id.eq(Id(community)))
        .filter(residents::building_id.eq_any(b))
        .select(residents::id)
        .load(conn)?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// Whether `proxy` holds a confirmed link to `elder`.
pub fn acts_for(conn: &mut AnyConnection, proxy: Uuid, elder: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        relatives::table
            .filter(relatives::proxy_id.eq(Id(proxy)))
            .filter(relatives::elder_id.eq(Id(elder)))
            .filter(relatives::status.eq(Stored(RelativeStatus::Confirmed))),
    ))
    .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outreach)]
pub struct OutreachRow {
    pub id: Id,
    pub community_id: Id,
    pub building_id: Id,
    pub resident_id: Option<Id>,
    pub household: String,
    pub topic: String,
    pub note: String,
    pub visited_at: NaiveDateTime,
    pub recorded_by: Id,
    pub created_at: NaiveDateTime,
}

pub fn insert_outreach(conn: &mut AnyConnection, r: &OutreachRow) -> QueryResult<()> {
    diesel::insert_into(outreach::table)
        .values(r)
        .execute(conn)
        .map(|_| ())
}

/// Outreach visits, newest first, within `within` buildings if given.
pub fn outreach_list(
    conn: &mut AnyConnection,
    community: Uuid,
    within: Option<&[Uuid]>,
    building: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Vec<OutreachRow>> {
    let mut q = outreach::table
        .filter(outreach::community_id.eq(Id(community)))
        .select(OutreachRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(within) = within {
        let ids: Vec<Id> = within.iter().copied().map(Id).collect();
        q = q.filter(outreach::building_id.eq_any(ids));
    }
    if let Some(b) = building {
        q = q.filter(outreach::building_id.eq(Id(b)));
    }
    if let Some(Cursor(after)) = page.after {
        q = q.filter(outreach::id.lt(Id(after)));
    }
    q.order(outreach::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mediations)]
pub struct MediationRow {
    pub id: Id,
    pub community_id: Id,
    pub building_id: Option<Id>,
    pub title: String,
    /// A JSON array of the parties' names as the case names them.
    pub parties: String,
    pub status: Stored<MediationStatus>,
    pub opened_by: Id,
    pub agreement: Option<String>,
    pub follow_up_at: Option<NaiveDateTime>,
    pub agreed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_mediation(conn: &mut AnyConnection, m: &MediationRow) -> QueryResult<()> {
    diesel::insert_into(mediations::table)
        .values(m)
        .execute(conn)
        .map(|_| ())
}

pub fn lock_mediation(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<MediationRow>> {
    let q = mediations::table
        .filter(mediations::id.eq(Id(id)))
        .filter(mediations::community_id.eq(Id(community)))
        .select(mediations::all_columns);
    for_update!(conn, q, first::<MediationRow>).optional()
}

pub fn mediation(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<MediationRow>> {
    mediations::table
        .filter(mediations::id.eq(Id(id)))
        .filter(mediations::community_id.eq(Id(community)))
        .select(MediationRow::as_select())
        .first(conn)
        .optional()
}

/// Mediation cases, newest first: of the community, or (for a building head) those of their
/// buildings and those they opened.
pub fn mediation_list(
    conn: &mut AnyConnection,
    community: Uuid,
    head: Option<(Uuid, &[Uuid])>,
    page: &PageRequest,
) -> QueryResult<Vec<MediationRow>> {
    let mut q = mediations::table
        .filter(mediations::community_id.eq(Id(community)))
        .select(MediationRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some((user, within)) = head {
        let ids: Vec<Id> = within.iter().copied().map(Id).collect();
        q = q.filter(
            mediations::opened_by
                .eq(Id(user))
                .or(mediations::building_id.eq_any(ids)),
        );
    }
    if let Some(Cursor(after)) = page.after {
        q = q.filter(mediations::id.lt(Id(after)));
    }
    q.order(mediations::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

pub fn settle_mediation(
    conn: &mut AnyConnection,
    id: Uuid,
    status: MediationStatus,
    agreement: Option<&str>,
    follow_up_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(mediations::table.find(Id(id)))
        .set((
            mediations::status.eq(Stored(status)),
            mediations::agreement.eq(agreement),
            mediations::follow_up_at.eq(follow_up_at),
        ))
        .execute(conn)?;
    if status == MediationStatus::Agreed {
        diesel::update(mediations::table.find(Id(id)))
            .set(mediations::agreed_at.eq(Some(now())))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mediation_sessions)]
pub struct MediationSessionRow {
    pub id: Id,
    pub mediation_id: Id,
    pub community_id: Id,
    pub held_at: NaiveDateTime,
    pub note: String,
    pub recorded_by: Id,
    pub created_at: NaiveDateTime,
}

pub fn insert_mediation_session(
    conn: &mut AnyConnection,
    s: &MediationSessionRow,
) -> QueryResult<()> {
    diesel::insert_into(mediation_sessions::table)
        .values(s)
        .execute(conn)
        .map(|_| ())
}

pub fn mediation_sessions(
    conn: &mut AnyConnection,
    mediation: Uuid,
) -> QueryResult<Vec<MediationSessionRow>> {
    mediation_sessions::table
        .filter(mediation_sessions::mediation_id.eq(Id(mediation)))
        .order(mediation_sessions::held_at.asc())
        .select(MediationSessionRow::as_select())
        .load(conn)
}

/// One service a resident received: when, what, for how long, who came, and its status.
#[derive(Debug, Clone, Queryable)]
pub struct CareRow {
    pub record_id: Id,
    pub need_id: Option<Id>,
    pub content: String,
    pub minutes: i32,
    pub status: Stored<RecordStatus>,
    pub at: NaiveDateTime,
    pub volunteer_id: Id,
    pub volunteer_name: String,
}

/// The services `person` received (rejected records aside), newest first, at most `limit`.
pub fn care_of(
    conn: &mut AnyConnection,
    community: Uuid,
    person: Uuid,
    limit: i64,
) -> QueryResult<Vec<CareRow>> {
    service_records::table
        .inner_join(volunteers::table.on(volunteers::id.eq(service_records::volunteer_id)))
        .inner_join(users::table.on(users::id.eq(volunteers::user_id)))
        .filter(service_records::community_id.eq(Id(community)))
        .filter(service_records::beneficiary_id.eq(Id(person)))
        .filter(service_records::status.ne(Stored(RecordStatus::Rejected)))
        .order(service_records::created_at.desc())
        .limit(limit)
        .select((
            service_records::id,
            service_records::need_id,
            service_records::content,
            service_records::minutes_reported,
            service_records::status,
            service_records::created_at,
            service_records::volunteer_id,
            users::nickname,
        ))
        .load(conn)
}

/// The community's care-gap threshold in days.
pub fn care_gap_days(conn: &mut AnyConnection, community: Uuid) -> QueryResult<i32> {
    communities::table
        .find(Id(community))
        .select(communities::care_gap_days)
        .first(conn)
}

pub fn set_care_gap_days(conn: &mut AnyConnection, community: Uuid, days: i32) -> QueryResult<()> {
    diesel::update(communities::table.find(Id(community)))
        .set(communities::care_gap_days.eq(days))
        .execute(conn)
        .map(|_| ())
}

/// The directory's tags of these people (JSON arrays), for those registered in it.
pub fn tags_of(conn: &mut AnyConnection, users: &[Uuid]) -> QueryResult<Vec<(Id, String)>> {
    let ids: Vec<Id> = users.iter().copied().map(Id).collect();
    residents::table
        .filter(residents::user_id.eq_any(ids))
        .select((residents::user_id, residents::tags))
        .load(conn)
}

/// Whether a building of the community is in this estate cluster.
pub fn cluster_exists(
    conn: &mut AnyConnection,
    community: Uuid,
    cluster: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        buildings::table
            .filter(buildings::community_id.eq(Id(community)))
            .filter(buildings::cluster.eq(cluster)),
    ))
    .get_result(conn)
}
