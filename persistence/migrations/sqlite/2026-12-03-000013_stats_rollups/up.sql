-- Rollups for the review meetings' figures, per community and local day (UTC+8), so the overview
-- costs the period's days rather than its rows. Definitions stay in `canglong_stats`; a test
-- proves these agree with the row-by-row computation.

-- Who did anything on record, per local day: one row per person and day.
CREATE TABLE activity_days (
    community_id TEXT NOT NULL,
    day DATE NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (community_id, day, user_id)
) WITHOUT ROWID;

-- Needs posted per local day: those not cancelled, and those fulfilled by the end of their window.
-- Spread over 16 slots by the need's id, as on PostgreSQL (where it keeps postings off one row).
CREATE TABLE need_days (
    community_id TEXT NOT NULL,
    day DATE NOT NULL,
    slot SMALLINT NOT NULL,
    considered BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, slot)
) WITHOUT ROWID;

-- Verified service records per volunteer and local day (reported then).
CREATE TABLE record_days (
    community_id TEXT NOT NULL,
    day DATE NOT NULL,
    volunteer_id TEXT NOT NULL,
    month TEXT NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    elderly BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, volunteer_id)
) WITHOUT ROWID;

-- Points issued to and redeemed by residents per closed local day, folded by the periodic pass.
-- Days after the last folded one are read from the postings.
CREATE TABLE point_days (
    community_id TEXT NOT NULL,
    day DATE NOT NULL,
    issued BIGINT NOT NULL,
    redeemed BIGINT NOT NULL,
    PRIMARY KEY (community_id, day)
) WITHOUT ROWID;

CREATE TRIGGER needs_activity AFTER INSERT ON needs BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.requester_id);
END;
CREATE TRIGGER need_claims_activity AFTER INSERT ON need_claims BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.user_id);
END;
CREATE TRIGGER enrolments_activity AFTER INSERT ON enrolments BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.user_id);
END;
CREATE TRIGGER checkins_activity AFTER INSERT ON checkins BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.user_id);
END;
CREATE TRIGGER vouchers_activity AFTER INSERT ON vouchers BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.issued_at, '+8 hours'), NEW.holder_id);
END;
CREATE TRIGGER need_ratings_activity AFTER INSERT ON need_ratings BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.rater_id);
END;
CREATE TRIGGER suggestions_activity AFTER INSERT ON suggestions WHEN NEW.author_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO activity_days VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.author_id);
END;
CREATE TRIGGER service_records_activity AFTER INSERT ON service_records BEGIN
    INSERT OR IGNORE INTO activity_days
    SELECT NEW.community_id, date(NEW.created_at, '+8 hours'), user_id FROM volunteers WHERE id = NEW.volunteer_id;
END;

-- A need's part in the figures: (not cancelled, fulfilled on time).
CREATE TRIGGER needs_days_insert AFTER INSERT ON needs BEGIN
    INSERT INTO need_days (community_id, day, slot, considered, on_time)
    VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), unicode(substr(NEW.id, -1)) % 16,
            NEW.status <> 'cancelled',
            NEW.status IN ('done', 'confirmed') AND NEW.done_at IS NOT NULL AND NEW.done_at <= NEW.window_end)
    ON CONFLICT (community_id, day, slot) DO UPDATE
        SET considered = considered + excluded.considered, on_time = on_time + excluded.on_time;
END;
CREATE TRIGGER needs_days_update AFTER UPDATE OF status, done_at, window_end ON needs BEGIN
    UPDATE need_days
       SET considered = considered - (OLD.status <> 'cancelled') + (NEW.status <> 'cancelled'),
           on_time = on_time
               - (OLD.status IN ('done', 'confirmed') AND OLD.done_at IS NOT NULL AND OLD.done_at <= OLD.window_end)
               + (NEW.status IN ('done', 'confirmed') AND NEW.done_at IS NOT NULL AND NEW.done_at <= NEW.window_end)
     WHERE community_id = NEW.community_id AND day = date(NEW.created_at, '+8 hours')
       AND slot = unicode(substr(NEW.id, -1)) % 16;
END;

-- A record counts while verified: the delta of leaving or entering that status.
CREATE TRIGGER service_records_days_leave AFTER UPDATE OF status, minutes_approved, beneficiary_group
    ON service_records WHEN OLD.status = 'verified' BEGIN
    UPDATE record_days
       SET records = records - 1,
           elderly = elderly - (OLD.beneficiary_group = 'elderly'),
           minutes = minutes - coalesce(OLD.minutes_approved, 0)
     WHERE community_id = OLD.community_id AND day = date(OLD.created_at, '+8 hours')
       AND volunteer_id = OLD.volunteer_id;
END;
CREATE TRIGGER service_records_days_enter AFTER UPDATE OF status, minutes_approved, beneficiary_group
    ON service_records WHEN NEW.status = 'verified' BEGIN
    INSERT INTO record_days (community_id, day, volunteer_id, month, records, elderly, minutes)
    VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.volunteer_id,
            strftime('%Y-%m', NEW.created_at, '+8 hours'), 1, NEW.beneficiary_group = 'elderly',
            coalesce(NEW.minutes_approved, 0))
    ON CONFLICT (community_id, day, volunteer_id) DO UPDATE
        SET records = records + 1, elderly = elderly + excluded.elderly, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER service_records_days_insert AFTER INSERT ON service_records WHEN NEW.status = 'verified' BEGIN
    INSERT INTO record_days (community_id, day, volunteer_id, month, records, elderly, minutes)
    VALUES (NEW.community_id, date(NEW.created_at, '+8 hours'), NEW.volunteer_id,
            strftime('%Y-%m', NEW.created_at, '+8 hours'), 1, NEW.beneficiary_group = 'elderly',
            coalesce(NEW.minutes_approved, 0))
    ON CONFLICT (community_id, day, volunteer_id) DO UPDATE
        SET records = records + 1, elderly = elderly + excluded.elderly, minutes = minutes + excluded.minutes;
END;

-- What was on record before the rollups.
INSERT OR IGNORE INTO activity_days (community_id, day, user_id)
SELECT community_id, date(created_at, '+8 hours'), requester_id FROM needs
UNION SELECT community_id, date(created_at, '+8 hours'), user_id FROM need_claims
UNION SELECT community_id, date(created_at, '+8 hours'), user_id FROM enrolments
UNION SELECT community_id, date(created_at, '+8 hours'), user_id FROM checkins
UNION SELECT community_id, date(issued_at, '+8 hours'), holder_id FROM vouchers
UNION SELECT community_id, date(created_at, '+8 hours'), rater_id FROM need_ratings
UNION SELECT community_id, date(created_at, '+8 hours'), author_id FROM suggestions WHERE author_id IS NOT NULL
UNION SELECT r.community_id, date(r.created_at, '+8 hours'), v.user_id
      FROM service_records r JOIN volunteers v ON v.id = r.volunteer_id;

INSERT INTO need_days (community_id, day, slot, considered, on_time)
SELECT community_id, date(created_at, '+8 hours'), unicode(substr(id, -1)) % 16,
       sum(status <> 'cancelled'),
       sum(status IN ('done', 'confirmed') AND done_at IS NOT NULL AND done_at <= window_end)
  FROM needs GROUP BY 1, 2, 3;

INSERT INTO record_days (community_id, day, volunteer_id, month, records, elderly, minutes)
SELECT community_id, date(created_at, '+8 hours'), volunteer_id,
       min(strftime('%Y-%m', created_at, '+8 hours')), count(*),
       sum(beneficiary_group = 'elderly'), sum(coalesce(minutes_approved, 0))
  FROM service_records WHERE status = 'verified' GROUP BY 1, 2, 3;
