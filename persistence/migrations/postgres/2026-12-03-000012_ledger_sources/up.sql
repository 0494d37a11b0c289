-- The community's issuing account keeps no running balance: it is neither locked nor updated
-- by a movement (its balance is the sum of its postings), so its postings carry no balance.
ALTER TABLE postings ALTER COLUMN balance_after DROP NOT NULL;
UPDATE accounts SET balance = 0 WHERE kind = 'community';
