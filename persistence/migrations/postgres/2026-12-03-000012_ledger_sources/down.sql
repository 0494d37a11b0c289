-- The issuing account's stored balance, folded back from its postings; postings written
-- without a balance get the account's balance at the end (the ledger refuses row updates, so
-- the trigger is lifted for the fold only).
UPDATE accounts a SET balance = COALESCE((SELECT SUM(p.amount) FROM postings p WHERE p.account_id = a.id), 0)
    WHERE a.kind = 'community';
ALTER TABLE postings DISABLE TRIGGER postings_append_only;
UPDATE postings p SET balance_after = a.balance FROM accounts a
    WHERE p.account_id = a.id AND p.balance_after IS NULL;
ALTER TABLE postings ENABLE TRIGGER postings_append_only;
ALTER TABLE postings ALTER COLUMN balance_after SET NOT NULL;
