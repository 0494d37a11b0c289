-- Community life: places (the activity centre, the senior centre, the riders' station) with
-- their zones and services, and walk-in visits; cultural associations with members and leaders,
-- a weekly timetable in the centre's rooms, and attendance taken at the door.
CREATE TABLE places (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    area_m2 INTEGER NOT NULL,
    zones TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX places_name ON places (community_id, name);
CREATE TABLE place_services (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    place_id TEXT NOT NULL REFERENCES places (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX place_services_name ON place_services (place_id, name);
CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    place_id TEXT NOT NULL REFERENCES places (id),
    zone TEXT,
    service_id TEXT REFERENCES place_services (id),
    people INTEGER NOT NULL,
    visitor_id TEXT REFERENCES users (id),
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visits_day ON visits (community_id, created_at);
CREATE INDEX visits_visitor ON visits (visitor_id, place_id, created_at);
CREATE TABLE associations (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX associations_name ON associations (community_id, name);
CREATE TABLE association_members (
    association_id TEXT NOT NULL REFERENCES associations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (association_id, user_id)
);
CREATE INDEX association_members_user ON association_members (user_id);
CREATE TABLE association_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    association_id TEXT NOT NULL REFERENCES associations (id),
    title TEXT NOT NULL,
    room_id TEXT NOT NULL REFERENCES rooms (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    checkin_secret TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX association_sessions_room ON association_sessions (room_id, starts_at);
CREATE INDEX association_sessions_time ON association_sessions (community_id, starts_at);
CREATE INDEX association_sessions_of ON association_sessions (association_id, starts_at);
CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES association_sessions (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    target_group TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX attendance_day ON attendance (community_id, created_at);
