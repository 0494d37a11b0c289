-- The review meetings' figures read periods of records: time-range indexes per community.
CREATE INDEX users_created ON users (community_id, created_at);
CREATE INDEX needs_created ON needs (community_id, created_at);
CREATE INDEX need_claims_created ON need_claims (community_id, created_at);
CREATE INDEX need_ratings_created ON need_ratings (community_id, created_at);
CREATE INDEX service_records_created ON service_records (community_id, created_at);
CREATE INDEX enrolments_created ON enrolments (community_id, created_at);
CREATE INDEX vouchers_issued ON vouchers (community_id, issued_at);
CREATE INDEX suggestions_created ON suggestions (community_id, created_at);
CREATE INDEX ledger_transactions_period ON ledger_transactions (community_id, kind, created_at);
