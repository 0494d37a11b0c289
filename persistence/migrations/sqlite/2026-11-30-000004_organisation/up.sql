-- Volunteer organisation: the community's skill list, status history, team leaders, 1+N
-- pairing, capability plans, trainings with attendance and feedback, service time spans and
-- service-record certificates.
CREATE TABLE skills (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX skills_name ON skills (community_id, name);
CREATE TABLE volunteer_events (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    actor_id TEXT REFERENCES users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_events_volunteer ON volunteer_events (volunteer_id, id);
ALTER TABLE team_members ADD COLUMN leader BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE pairings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    social_worker_id TEXT NOT NULL REFERENCES users (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE UNIQUE INDEX pairings_active ON pairings (volunteer_id) WHERE status = 'active';
CREATE INDEX pairings_worker ON pairings (community_id, social_worker_id);
CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    goals TEXT NOT NULL,
    trainings TEXT NOT NULL,
    target_date TIMESTAMP NOT NULL,
    progress INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plans_volunteer ON plans (volunteer_id, id);
CREATE TABLE plan_notes (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    progress INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_notes_plan ON plan_notes (plan_id, id);
CREATE TABLE trainings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    topic TEXT NOT NULL,
    trainer TEXT NOT NULL,
    trainer_kind TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX trainings_community ON trainings (community_id, id);
CREATE TABLE training_attendance (
    training_id TEXT NOT NULL REFERENCES trainings (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    transaction_id TEXT REFERENCES ledger_transactions (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (training_id, volunteer_id)
);
CREATE INDEX training_attendance_volunteer ON training_attendance (volunteer_id);
CREATE TABLE training_feedback (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    training_id TEXT NOT NULL REFERENCES trainings (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    stars INTEGER NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX training_feedback_once ON training_feedback (training_id, volunteer_id);
ALTER TABLE service_records ADD COLUMN started_at TIMESTAMP;
ALTER TABLE service_records ADD COLUMN ended_at TIMESTAMP;
CREATE INDEX service_records_span ON service_records (volunteer_id, started_at);
CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
    code TEXT NOT NULL UNIQUE,
    period_from TIMESTAMP NOT NULL,
    period_to TIMESTAMP NOT NULL,
    total_minutes BIGINT NOT NULL,
    body TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
