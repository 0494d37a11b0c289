DROP TRIGGER ledger_transactions_no_delete;
DROP TRIGGER ledger_transactions_no_update;
DROP TRIGGER postings_no_delete;
DROP TRIGGER postings_no_update;
DROP TABLE consents;
ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN token_version;
