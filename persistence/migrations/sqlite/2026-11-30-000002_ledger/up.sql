-- Points ledger: accounts with stored balances, append-only transactions and postings,
-- expiry lots, versioned earning rules; service records gain their verification results.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    balance BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_owner ON accounts (community_id, kind, owner_id);
CREATE TABLE ledger_transactions (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    memo TEXT NOT NULL,
    reverses_id TEXT REFERENCES ledger_transactions (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX ledger_transactions_key ON ledger_transactions (community_id, idempotency_key);
CREATE TABLE postings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX postings_account ON postings (account_id, id);
CREATE INDEX postings_transaction ON postings (transaction_id);
CREATE INDEX postings_community ON postings (community_id, id);
CREATE TABLE point_lots (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    amount BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX point_lots_account ON point_lots (account_id, remaining);
CREATE INDEX point_lots_expiry ON point_lots (expires_at, remaining);
CREATE TABLE points_rules (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    version INTEGER NOT NULL,
    rules TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX points_rules_version ON points_rules (community_id, version);
ALTER TABLE service_records ADD COLUMN honor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE service_records ADD COLUMN rules_version INTEGER;
ALTER TABLE service_records ADD COLUMN points BIGINT;
ALTER TABLE service_records ADD COLUMN verification_note TEXT;
ALTER TABLE service_records ADD COLUMN recorded_by TEXT REFERENCES users (id);
