-- One crediting ledger transaction in raw SQL on the project's schema, as POST
-- /api/v1/points/adjustments writes it, without HTTP, auth, JSON or the idempotency record:
-- the resident's account locked (never the community's issuing account, which keeps no running
-- balance), the transaction, two postings, the balance, the lot. Spread over many accounts.
-- pgbench -M prepared -f bench/credit.sql -D pool=<uuid> -D community=<uuid> -D accounts=<n>
-- (bench_accounts(n, id) numbers the accounts to credit.)
\set n random(1, :accounts)
BEGIN;
SELECT id AS acct FROM bench_accounts WHERE n = :n \gset
SELECT id, balance FROM accounts WHERE id = :acct FOR NO KEY UPDATE;
INSERT INTO ledger_transactions (id, community_id, kind, idempotency_key, actor_id, memo, reverses_id, created_at)
  VALUES (gen_random_uuid(), :community, 'adjust', gen_random_uuid()::text, NULL, 'raw', NULL, now()) RETURNING id AS tid \gset
UPDATE accounts SET balance = balance + 1 WHERE id = :acct RETURNING balance AS ab \gset
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :pool, 'adjust', -1, NULL, now());
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :acct, 'adjust', 1, :ab, now());
UPDATE point_lots SET amount = amount + 1, remaining = remaining + 1 WHERE account_id = :acct AND expires_at IS NULL;
COMMIT;
