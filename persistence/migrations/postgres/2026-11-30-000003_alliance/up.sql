-- The merchant alliance: merchants and their history, staff, offers, vouchers, attempts at
-- 核销, ratings and annual evaluations.
CREATE TABLE merchants (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    licence_no TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    address TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    applicant_id UUID REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX merchants_community ON merchants (community_id, status, id);
CREATE TABLE merchant_events (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    actor_id UUID REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX merchant_events_merchant ON merchant_events (merchant_id, id);
CREATE TABLE merchant_staff (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id),
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    community_id UUID NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE offers (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    merchant_id UUID REFERENCES merchants (id),
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
    session_id UUID,
    status TEXT NOT NULL,
    created_by UUID REFERENCES users (id),
    reviewed_by UUID REFERENCES users (id),
    review_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offers_community ON offers (community_id, status, id);
CREATE INDEX offers_merchant ON offers (merchant_id);
CREATE TABLE vouchers (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    offer_id UUID NOT NULL REFERENCES offers (id),
    merchant_id UUID REFERENCES merchants (id),
    holder_id UUID NOT NULL REFERENCES users (id),
    code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    points_cost BIGINT NOT NULL,
    redeem_transaction_id UUID NOT NULL REFERENCES ledger_transactions (id),
    refund_transaction_id UUID REFERENCES ledger_transactions (id),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by UUID REFERENCES users (id),
    closed_at TIMESTAMP
);
CREATE INDEX vouchers_holder ON vouchers (community_id, holder_id, id);
CREATE INDEX vouchers_offer ON vouchers (offer_id, holder_id);
CREATE INDEX vouchers_merchant ON vouchers (merchant_id, status);
CREATE INDEX vouchers_expiry ON vouchers (status, expires_at);
CREATE TABLE voucher_attempts (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    merchant_id UUID REFERENCES merchants (id),
    staff_id UUID NOT NULL REFERENCES users (id),
    voucher_id UUID REFERENCES vouchers (id),
    outcome TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX voucher_attempts_staff ON voucher_attempts (staff_id, created_at);
CREATE INDEX voucher_attempts_merchant ON voucher_attempts (merchant_id, created_at);
CREATE TABLE voucher_ratings (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    voucher_id UUID NOT NULL UNIQUE REFERENCES vouchers (id),
    merchant_id UUID REFERENCES merchants (id),
    rater_id UUID NOT NULL REFERENCES users (id),
    stars INTEGER NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE merchant_evaluations (
    id UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    merchant_id UUID NOT NULL REFERENCES merchants (id),
    year INTEGER NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    figures TEXT NOT NULL,
    decided_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX merchant_evaluations_year ON merchant_evaluations (merchant_id, year);
