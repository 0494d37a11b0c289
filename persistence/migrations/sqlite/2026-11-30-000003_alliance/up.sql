-- The merchant alliance: merchants and their history, staff, offers, vouchers, attempts at
-- 核销, ratings and annual evaluations.
CREATE TABLE merchants (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    licence_no TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    address TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    applicant_id TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX merchants_community ON merchants (community_id, status, id);
CREATE TABLE merchant_events (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    actor_id TEXT REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX merchant_events_merchant ON merchant_events (merchant_id, id);
CREATE TABLE merchant_staff (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE offers (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    merchant_id TEXT REFERENCES merchants (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    points_cost BIGINT NOT NULL,
    stock INTEGER NOT NULL,
    stock_left INTEGER NOT NULL,
    per_user_limit INTEGER NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP NOT NULL,
    voucher_valid_days INTEGER NOT NULL,
    session_id TEXT,
    status TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    reviewed_by TEXT REFERENCES users (id),
    review_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offers_community ON offers (community_id, status, id);
CREATE INDEX offers_merchant ON offers (merchant_id);
CREATE TABLE vouchers (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    offer_id TEXT NOT NULL REFERENCES offers (id),
    merchant_id TEXT REFERENCES merchants (id),
    holder_id TEXT NOT NULL REFERENCES users (id),
    code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    points_cost BIGINT NOT NULL,
    redeem_transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    refund_transaction_id TEXT REFERENCES ledger_transactions (id),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by TEXT REFERENCES users (id),
    closed_at TIMESTAMP
);
CREATE INDEX vouchers_holder ON vouchers (community_id, holder_id, id);
CREATE INDEX vouchers_offer ON vouchers (offer_id, holder_id);
CREATE INDEX vouchers_merchant ON vouchers (merchant_id, status);
CREATE INDEX vouchers_expiry ON vouchers (status, expires_at);
CREATE TABLE voucher_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    merchant_id TEXT REFERENCES merchants (id),
    staff_id TEXT NOT NULL REFERENCES users (id),
    voucher_id TEXT REFERENCES vouchers (id),
    outcome TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX voucher_attempts_staff ON voucher_attempts (staff_id, created_at);
CREATE INDEX voucher_attempts_merchant ON voucher_attempts (merchant_id, created_at);
CREATE TABLE voucher_ratings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    voucher_id TEXT NOT NULL UNIQUE REFERENCES vouchers (id),
    merchant_id TEXT REFERENCES merchants (id),
    rater_id TEXT NOT NULL REFERENCES users (id),
    stars INTEGER NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE merchant_evaluations (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    year INTEGER NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    figures TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX merchant_evaluations_year ON merchant_evaluations (merchant_id, year);
