-- Generated from one description for both backends (kept in step; a test compares them).
CREATE TABLE subdistricts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE communities (
    id TEXT PRIMARY KEY NOT NULL,
    subdistrict_id TEXT NOT NULL REFERENCES subdistricts (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX communities_name ON communities (subdistrict_id, name);
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    nickname TEXT NOT NULL,
    username TEXT UNIQUE,
    password_hash TEXT,
    wechat_openid TEXT UNIQUE,
    phone TEXT,
    notification_prefs TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_community ON users (community_id, id);
CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX teams_name ON teams (community_id, name);
CREATE TABLE volunteers (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
    status TEXT NOT NULL,
    skills TEXT NOT NULL,
    availability TEXT NOT NULL,
    places TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteers_community ON volunteers (community_id, status, id);
CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX team_members_volunteer ON team_members (volunteer_id);
CREATE TABLE needs (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    requester_id TEXT NOT NULL REFERENCES users (id),
    posted_by TEXT NOT NULL REFERENCES users (id),
    category TEXT NOT NULL,
    target_group TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    estimated_minutes INTEGER NOT NULL,
    slots INTEGER NOT NULL,
    slots_taken INTEGER NOT NULL,
    micro BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    escalated BOOLEAN NOT NULL,
    escalated_at TIMESTAMP,
    done_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX needs_community ON needs (community_id, id);
CREATE INDEX needs_status ON needs (community_id, status, id);
CREATE INDEX needs_requester ON needs (community_id, requester_id, id);
CREATE TABLE need_claims (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    need_id TEXT NOT NULL REFERENCES needs (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    minutes INTEGER,
    note TEXT,
    completed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX need_claims_need ON need_claims (need_id);
CREATE UNIQUE INDEX need_claims_active ON need_claims (need_id, user_id) WHERE status = 'active';
CREATE INDEX need_claims_user ON need_claims (community_id, user_id);
CREATE TABLE need_events (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    need_id TEXT NOT NULL REFERENCES needs (id),
    actor_id TEXT REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX need_events_need ON need_events (need_id, id);
CREATE TABLE need_ratings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    need_id TEXT NOT NULL UNIQUE REFERENCES needs (id),
    rater_id TEXT NOT NULL REFERENCES users (id),
    stars INTEGER NOT NULL,
    tags TEXT NOT NULL,
    comment TEXT NOT NULL,
    flagged BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX need_ratings_flagged ON need_ratings (community_id, flagged, id);
CREATE TABLE service_records (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    need_id TEXT REFERENCES needs (id),
    session_id TEXT,
    source TEXT NOT NULL,
    content TEXT NOT NULL,
    beneficiary_group TEXT NOT NULL,
    minutes_reported INTEGER NOT NULL,
    minutes_approved INTEGER,
    status TEXT NOT NULL,
    quality TEXT,
    verified_by TEXT REFERENCES users (id),
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_records_community ON service_records (community_id, status, id);
CREATE INDEX service_records_volunteer ON service_records (community_id, volunteer_id, id);
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
