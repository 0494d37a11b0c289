-- The people behind the needs: buildings and their heads, the residents directory (people
-- registered without a phone, with the consent recorded), family proxies, building heads'
-- outreach and mediation cases, and the beneficiary of every service.
ALTER TABLE communities ADD COLUMN care_gap_days INTEGER NOT NULL DEFAULT 14;
CREATE TABLE buildings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    cluster TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX buildings_name ON buildings (community_id, name);
CREATE TABLE building_heads (
    building_id TEXT NOT NULL REFERENCES buildings (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    party_member BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (building_id, user_id)
);
CREATE INDEX building_heads_user ON building_heads (user_id);
CREATE TABLE residents (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
    building_id TEXT REFERENCES buildings (id),
    unit TEXT NOT NULL,
    room TEXT NOT NULL,
    phone TEXT,
    tags TEXT NOT NULL,
    consent_method TEXT NOT NULL,
    consent_by TEXT NOT NULL,
    consent_recorded_by TEXT NOT NULL REFERENCES users (id),
    consent_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX residents_building ON residents (community_id, building_id, id);
CREATE TABLE binding_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    resident_id TEXT NOT NULL REFERENCES residents (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by TEXT REFERENCES users (id)
);
CREATE TABLE relatives (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    proxy_id TEXT NOT NULL REFERENCES users (id),
    elder_id TEXT NOT NULL REFERENCES users (id),
    relation TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX relatives_pair ON relatives (proxy_id, elder_id);
CREATE INDEX relatives_elder ON relatives (elder_id);
CREATE TABLE outreach (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    building_id TEXT NOT NULL REFERENCES buildings (id),
    resident_id TEXT REFERENCES residents (id),
    household TEXT NOT NULL,
    topic TEXT NOT NULL,
    note TEXT NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outreach_building ON outreach (community_id, building_id, id);
CREATE TABLE mediations (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    building_id TEXT REFERENCES buildings (id),
    title TEXT NOT NULL,
    parties TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES users (id),
    agreement TEXT,
    follow_up_at TIMESTAMP,
    agreed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mediations_community ON mediations (community_id, id);
CREATE TABLE mediation_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    mediation_id TEXT NOT NULL REFERENCES mediations (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    held_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions (mediation_id, id);
ALTER TABLE service_records ADD COLUMN beneficiary_id TEXT REFERENCES users (id);
CREATE INDEX service_records_beneficiary ON service_records (beneficiary_id, id);
UPDATE service_records SET beneficiary_id = (SELECT requester_id FROM needs WHERE needs.id = service_records.need_id)
    WHERE need_id IS NOT NULL;
