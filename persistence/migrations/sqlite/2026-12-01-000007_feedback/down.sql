ALTER TABLE vouchers DROP COLUMN reminded_at;
DROP TABLE api_clients;
DROP TABLE outbox;
DROP TABLE subscription_grants;
DROP TABLE suggestions;
