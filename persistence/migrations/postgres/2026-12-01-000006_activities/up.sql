-- Projects and activities: rooms, partners, projects with course packages and a parent group,
-- sessions, children, enrolments with a waitlist, check-ins; and the in-app notification inbox.
CREATE TABLE rooms (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    zone TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX rooms_name ON rooms (community_id, name);
CREATE TABLE partners (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE partner_staff (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id),
    partner_id UUID NOT NULL REFERENCES partners (id),
    community_id UUID NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE projects (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    organiser_kind TEXT NOT NULL,
    partner_id UUID REFERENCES partners (id),
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    continues_project_id UUID REFERENCES projects (id),
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_community ON projects (community_id, id);
CREATE TABLE project_parents (
    project_id UUID NOT NULL REFERENCES projects (id),
    user_id UUID NOT NULL REFERENCES users (id),
    community_id UUID NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE TABLE course_packages (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    project_id UUID NOT NULL REFERENCES projects (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE sessions (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    project_id UUID NOT NULL REFERENCES projects (id),
    package_id UUID REFERENCES course_packages (id),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    room_id UUID REFERENCES rooms (id),
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    enrol_from TIMESTAMP NOT NULL,
    enrol_to TIMESTAMP NOT NULL,
    volunteer_slots INTEGER NOT NULL,
    attendance_points BIGINT NOT NULL,
    checkin_secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_community ON sessions (community_id, starts_at);
CREATE INDEX sessions_room ON sessions (room_id, starts_at);
CREATE TABLE children (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    parent_id UUID NOT NULL REFERENCES users (id),
    nickname TEXT NOT NULL,
    birth_year INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX children_parent ON children (parent_id);
CREATE TABLE enrolments (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    session_id UUID NOT NULL REFERENCES sessions (id),
    user_id UUID NOT NULL REFERENCES users (id),
    child_ids TEXT NOT NULL,
    party_size INTEGER NOT NULL,
    status TEXT NOT NULL,
    position BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX enrolments_active ON enrolments (session_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX enrolments_session ON enrolments (session_id, status, position);
CREATE TABLE checkins (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    session_id UUID NOT NULL REFERENCES sessions (id),
    user_id UUID NOT NULL REFERENCES users (id),
    people INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX checkins_once ON checkins (session_id, user_id);
CREATE INDEX checkins_day ON checkins (community_id, created_at);
CREATE TABLE notifications (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    user_id UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);
