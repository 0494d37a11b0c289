-- Wrong check-in codes, per person and session: the door code cannot be guessed by trying.
CREATE TABLE checkin_attempts (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    session_id UUID NOT NULL REFERENCES sessions (id),
    user_id UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkin_attempts_person ON checkin_attempts (session_id, user_id);
