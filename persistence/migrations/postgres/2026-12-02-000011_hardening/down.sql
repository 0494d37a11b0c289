DROP TRIGGER ledger_transactions_append_only ON ledger_transactions;
DROP TRIGGER postings_append_only ON postings;
DROP FUNCTION ledger_append_only();
DROP TABLE consents;
ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN token_version;
