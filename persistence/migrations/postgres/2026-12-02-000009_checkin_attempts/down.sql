DROP TABLE checkin_attempts;
