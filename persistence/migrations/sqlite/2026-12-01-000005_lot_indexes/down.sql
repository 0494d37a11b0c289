DROP INDEX point_lots_account;
DROP INDEX point_lots_expiry;
CREATE INDEX point_lots_account ON point_lots (account_id, remaining);
CREATE INDEX point_lots_expiry ON point_lots (expires_at, remaining);
