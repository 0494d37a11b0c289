-- The community's issuing account keeps no running balance: it is neither locked nor updated
-- by a movement (its balance is the sum of its postings), so its postings carry no balance.
-- SQLite cannot drop a NOT NULL: the table is rebuilt with its indexes and triggers.
CREATE TABLE postings_next (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO postings_next SELECT id, community_id, transaction_id, account_id, kind, amount, balance_after, created_at FROM postings;
DROP TABLE postings;
ALTER TABLE postings_next RENAME TO postings;
CREATE INDEX postings_account ON postings (account_id, id);
CREATE INDEX postings_transaction ON postings (transaction_id);
CREATE INDEX postings_community ON postings (community_id, id);
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on postings refused'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on postings refused'); END;
UPDATE accounts SET balance = 0 WHERE kind = 'community';
