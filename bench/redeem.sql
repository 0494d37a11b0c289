-- One redemption in raw SQL on the project's schema: what POST /api/v1/offers/{id}/redemptions
-- writes, without HTTP, auth, JSON or the idempotency record.
-- pgbench -M prepared -f bench/redeem.sql -D offer=<uuid> -D pool=<uuid> -D acct=<uuid> -D holder=<uuid> -D community=<uuid>
BEGIN;
SELECT stock_left, per_user_limit, points_cost FROM offers WHERE id = :offer FOR UPDATE;
SELECT count(*) FROM vouchers WHERE offer_id = :offer AND holder_id = :holder AND status IN ('issued', 'used', 'expired');
SELECT id, balance FROM accounts WHERE id IN (:pool, :acct) ORDER BY id FOR UPDATE;
INSERT INTO ledger_transactions (id, community_id, kind, idempotency_key, actor_id, memo, reverses_id, created_at)
  VALUES (gen_random_uuid(), :community, 'redeem', gen_random_uuid()::text, NULL, 'raw', NULL, now()) RETURNING id AS tid \gset
UPDATE accounts SET balance = balance - 1 WHERE id = :acct RETURNING balance AS ab \gset
UPDATE accounts SET balance = balance + 1 WHERE id = :pool RETURNING balance AS pb \gset
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :acct, 'redeem', -1, :ab, now());
INSERT INTO postings VALUES (gen_random_uuid(), :community, :tid, :pool, 'redeem', 1, :pb, now());
UPDATE point_lots SET remaining = remaining - 1
  WHERE id = (SELECT id FROM point_lots WHERE account_id = :acct AND remaining > 0
              ORDER BY expires_at IS NULL, expires_at, id LIMIT 1);
UPDATE offers SET stock_left = stock_left - 1 WHERE id = :offer AND stock_left > 0;
INSERT INTO vouchers (id, community_id, offer_id, merchant_id, holder_id, code, status, points_cost, redeem_transaction_id, issued_at, expires_at)
  VALUES (gen_random_uuid(), :community, :offer, NULL, :holder, md5(random()::text || clock_timestamp()::text), 'issued', 1, :tid, now(), now() + interval '1 day');
COMMIT;
