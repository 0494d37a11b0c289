UPDATE accounts SET balance = COALESCE((SELECT SUM(p.amount) FROM postings p WHERE p.account_id = accounts.id), 0)
    WHERE kind = 'community';
CREATE TABLE postings_next (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO postings_next SELECT p.id, p.community_id, p.transaction_id, p.account_id, p.kind, p.amount,
    COALESCE(p.balance_after, (SELECT a.balance FROM accounts a WHERE a.id = p.account_id)), p.created_at FROM postings p;
DROP TABLE postings;
ALTER TABLE postings_next RENAME TO postings;
CREATE INDEX postings_account ON postings (account_id, id);
CREATE INDEX postings_transaction ON postings (transaction_id);
CREATE INDEX postings_community ON postings (community_id, id);
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on postings refused'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on postings refused'); END;
