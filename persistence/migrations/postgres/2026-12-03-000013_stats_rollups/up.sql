-- Rollups for the review meetings' figures, per community and local day (UTC+8), so the overview
-- costs the period's days rather than its rows. Definitions stay in `canglong_stats`; a test
-- proves these agree with the row-by-row computation.

-- Who did anything on record, per local day: one row per person and day, never a hot row.
CREATE TABLE activity_days (
    community_id uuid NOT NULL,
    day date NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (community_id, day, user_id)
);

-- Needs posted per local day: those not cancelled, and those fulfilled by the end of their window.
-- Spread over 16 slots by the need's id, so that concurrent postings rarely wait on one row.
CREATE TABLE need_days (
    community_id uuid NOT NULL,
    day date NOT NULL,
    slot smallint NOT NULL,
    considered bigint NOT NULL DEFAULT 0,
    on_time bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, slot)
);

-- Verified service records per volunteer and local day (reported then).
CREATE TABLE record_days (
    community_id uuid NOT NULL,
    day date NOT NULL,
    volunteer_id uuid NOT NULL,
    month text NOT NULL,
    records bigint NOT NULL DEFAULT 0,
    elderly bigint NOT NULL DEFAULT 0,
    minutes bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, volunteer_id)
);

-- Points issued to and redeemed by residents per closed local day, folded by the periodic pass
-- (no row written by a movement: the ledger stays free of hot rows). Days after the last folded
-- one are read from the postings.
CREATE TABLE point_days (
    community_id uuid NOT NULL,
    day date NOT NULL,
    issued bigint NOT NULL,
    redeemed bigint NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE FUNCTION local_day(t timestamp) RETURNS date LANGUAGE sql IMMUTABLE
    AS $$ SELECT (t + interval '8 hours')::date $$;

CREATE FUNCTION note_activity(c uuid, t timestamp, u uuid) RETURNS void LANGUAGE sql
    AS $$ INSERT INTO activity_days (community_id, day, user_id) VALUES (c, local_day(t), u)
          ON CONFLICT DO NOTHING $$;

CREATE FUNCTION activity_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'needs' THEN PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.requester_id);
        WHEN 'need_claims' THEN PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.user_id);
        WHEN 'enrolments' THEN PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.user_id);
        WHEN 'checkins' THEN PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.user_id);
        WHEN 'vouchers' THEN PERFORM note_activity(NEW.community_id, NEW.issued_at, NEW.holder_id);
        WHEN 'need_ratings' THEN PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.rater_id);
        WHEN 'suggestions' THEN
            IF NEW.author_id IS NOT NULL THEN
                PERFORM note_activity(NEW.community_id, NEW.created_at, NEW.author_id);
            END IF;
        WHEN 'service_records' THEN
            PERFORM note_activity(NEW.community_id, NEW.created_at,
                (SELECT user_id FROM volunteers WHERE id = NEW.volunteer_id));
    END CASE;
    RETURN NULL;
END $$;

CREATE TRIGGER needs_activity AFTER INSERT ON needs FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER need_claims_activity AFTER INSERT ON need_claims FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER enrolments_activity AFTER INSERT ON enrolments FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER checkins_activity AFTER INSERT ON checkins FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER vouchers_activity AFTER INSERT ON vouchers FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER need_ratings_activity AFTER INSERT ON need_ratings FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER suggestions_activity AFTER INSERT ON suggestions FOR EACH ROW EXECUTE FUNCTION activity_of_row();
CREATE TRIGGER service_records_activity AFTER INSERT ON service_records FOR EACH ROW EXECUTE FUNCTION activity_of_row();

-- A need's part in the figures: (not cancelled, fulfilled on time).
CREATE FUNCTION need_day_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    dc bigint := 0;
    dt bigint := 0;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        dc := dc - (OLD.status <> 'cancelled')::int;
        dt := dt - (OLD.status IN ('done', 'confirmed') AND OLD.done_at IS NOT NULL
                    AND OLD.done_at <= OLD.window_end)::int;
    END IF;
    dc := dc + (NEW.status <> 'cancelled')::int;
    dt := dt + (NEW.status IN ('done', 'confirmed') AND NEW.done_at IS NOT NULL
                AND NEW.done_at <= NEW.window_end)::int;
    IF TG_OP = 'INSERT' OR dc <> 0 OR dt <> 0 THEN
        INSERT INTO need_days (community_id, day, slot, considered, on_time)
        VALUES (NEW.community_id, local_day(NEW.created_at), ascii(right(NEW.id::text, 1)) % 16, dc, dt)
        ON CONFLICT (community_id, day, slot) DO UPDATE
            SET considered = need_days.considered + EXCLUDED.considered,
                on_time = need_days.on_time + EXCLUDED.on_time;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER needs_days AFTER INSERT OR UPDATE OF status, done_at, window_end ON needs
    FOR EACH ROW EXECUTE FUNCTION need_day_delta();

-- A record counts while verified: the delta of leaving or entering that status.
CREATE FUNCTION record_day_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'verified' THEN
        UPDATE record_days
           SET records = records - 1,
               elderly = elderly - (OLD.beneficiary_group = 'elderly')::int,
               minutes = minutes - coalesce(OLD.minutes_approved, 0)
         WHERE community_id = OLD.community_id AND day = local_day(OLD.created_at)
           AND volunteer_id = OLD.volunteer_id;
    END IF;
    IF NEW.status = 'verified' THEN
        INSERT INTO record_days (community_id, day, volunteer_id, month, records, elderly, minutes)
        VALUES (NEW.community_id, local_day(NEW.created_at), NEW.volunteer_id,
                to_char(NEW.created_at + interval '8 hours', 'YYYY-MM'), 1,
                (NEW.beneficiary_group = 'elderly')::int, coalesce(NEW.minutes_approved, 0))
        ON CONFLICT (community_id, day, volunteer_id) DO UPDATE
            SET records = record_days.records + 1,
                elderly = record_days.elderly + EXCLUDED.elderly,
                minutes = record_days.minutes + EXCLUDED.minutes;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER service_records_days AFTER INSERT OR UPDATE OF status, minutes_approved, beneficiary_group
    ON service_records FOR EACH ROW EXECUTE FUNCTION record_day_delta();

-- What was on record before the rollups.
INSERT INTO activity_days (community_id, day, user_id)
SELECT community_id, local_day(created_at), requester_id FROM needs
UNION SELECT community_id, local_day(created_at), user_id FROM need_claims
UNION SELECT community_id, local_day(created_at), user_id FROM enrolments
UNION SELECT community_id, local_day(created_at), user_id FROM checkins
UNION SELECT community_id, local_day(issued_at), holder_id FROM vouchers
UNION SELECT community_id, local_day(created_at), rater_id FROM need_ratings
UNION SELECT community_id, local_day(created_at), author_id FROM suggestions WHERE author_id IS NOT NULL
UNION SELECT r.community_id, local_day(r.created_at), v.user_id
      FROM service_records r JOIN volunteers v ON v.id = r.volunteer_id;

INSERT INTO need_days (community_id, day, slot, considered, on_time)
SELECT community_id, local_day(created_at), ascii(right(id::text, 1)) % 16,
       count(*) FILTER (WHERE status <> 'cancelled'),
       count(*) FILTER (WHERE status IN ('done', 'confirmed') AND done_at IS NOT NULL
                        AND done_at <= window_end)
  FROM needs GROUP BY 1, 2, 3;

INSERT INTO record_days (community_id, day, volunteer_id, month, records, elderly, minutes)
SELECT community_id, local_day(created_at), volunteer_id,
       min(to_char(created_at + interval '8 hours', 'YYYY-MM')), count(*),
       count(*) FILTER (WHERE beneficiary_group = 'elderly'), sum(coalesce(minutes_approved, 0))
  FROM service_records WHERE status = 'verified' GROUP BY 1, 2, 3;
