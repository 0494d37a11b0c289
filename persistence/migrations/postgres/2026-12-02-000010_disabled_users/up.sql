-- A disabled account signs in no more; its records stay.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
