-- Lots are updated on every credit and spend; indexes that contain `remaining` turn each of those
-- updates into new index entries (and, on PostgreSQL, rule out heap-only updates). An account
-- holds one lot per expiry date, so filtering `remaining` after the index is cheap.
DROP INDEX point_lots_account;
DROP INDEX point_lots_expiry;
CREATE INDEX point_lots_account ON point_lots (account_id);
CREATE INDEX point_lots_expiry ON point_lots (expires_at);
