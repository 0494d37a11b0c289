-- Every access token carries the version it was issued at; bumping it ends them all at once
-- (sign-out everywhere, a role taken away, suspension, erasure).
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
-- An erased account: its personal data is gone, its ledger rows stay (PIPL art. 47).
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;

-- The privacy policy each person accepted, and when (PIPL arts. 13-17): history, newest last.
CREATE TABLE consents (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    policy_version TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL
);
CREATE INDEX consents_by_user ON consents (user_id, granted_at);

-- The ledger is append-only in the database itself, not by convention: a correction is a
-- reversing transaction, never an edit.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- Per statement: refused even when it would touch no row.
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_transactions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
