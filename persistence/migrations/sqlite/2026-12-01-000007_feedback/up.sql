CREATE TABLE suggestions (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    author_id TEXT REFERENCES users (id),
    entered_by TEXT REFERENCES users (id),
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    merchant_id TEXT REFERENCES merchants (id),
    project_id TEXT REFERENCES projects (id),
    status TEXT NOT NULL,
    response TEXT,
    responded_by TEXT REFERENCES users (id),
    responded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX suggestions_community ON suggestions (community_id, id);
CREATE INDEX suggestions_author ON suggestions (author_id, id);
CREATE TABLE subscription_grants (
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    remaining INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    openid TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE vouchers ADD COLUMN reminded_at TIMESTAMP;
