-- Wrong check-in codes, per person and session: the door code cannot be guessed by trying.
CREATE TABLE checkin_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    session_id TEXT NOT NULL REFERENCES sessions (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkin_attempts_person ON checkin_attempts (session_id, user_id);
