-- Every access token carries the version it was issued at; bumping it ends them all at once
-- (sign-out everywhere, a role taken away, suspension, erasure).
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
-- An erased account: its personal data is gone, its ledger rows stay (PIPL art. 47).
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;

-- The privacy policy each person accepted, and when (PIPL arts. 13-17): history, newest last.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    policy_version TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL
);
CREATE INDEX consents_by_user ON consents (user_id, granted_at);

-- The ledger is append-only in the database itself: a correction is a reversing transaction.
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on postings refused'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on postings refused'); END;
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on ledger_transactions refused'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on ledger_transactions refused'); END;
