DROP TABLE merchant_evaluations;
DROP TABLE voucher_ratings;
DROP TABLE voucher_attempts;
DROP TABLE vouchers;
DROP TABLE offers;
DROP TABLE merchant_staff;
DROP TABLE merchant_events;
DROP TABLE merchants;
