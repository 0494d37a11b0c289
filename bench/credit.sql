-- One crediting ledger transaction in raw SQL on the project's schema: what POST
-- /api/v1/points/adjustments writes, without HTTP, auth, JSON or the idempotency record.
-- pgbench -M prepared -f bench/credit.sql -D pool=<uuid> -D acct=<uuid> -D community=<uuid>
BEGIN;
SELECT id, balance FROM accounts WHERE id IN (:pool, :acct) ORDER BY id FOR UPDATE;
INSERT INTO ledger_transactions (id, community_id, kind, idempotency_key, actor_id, memo, reverses_id, created_at)
  VALUES (gen_random_uuid(), :community, 'adjust', gen_random_uuid()::text, NULL, 'raw', NULL, now()) RETURNING id AS tid \gset
UPDATE accounts SET balance = balance - 1 WHERE id = :pool RETURNING balance AS pb \gset
UPDATE accounts SET balance = balance + 1 WHERE id = :acct RETURNING balance AS ab \gset
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :pool, 'adjust', -1, :pb, now());
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :acct, 'adjust', 1, :ab, now());
UPDATE point_lots SET amount = amount + 1, remaining = remaining + 1 WHERE account_id = :acct AND expires_at IS NULL;
COMMIT;
