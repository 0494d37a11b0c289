-- Self-governance (自治线): topics through the 六事 (raised, seconded, screened, deliberated,
-- voted, publicised, carried out, evaluated) with their history; deliberation meetings; polls
-- with an electorate snapshot, one ballot per elector across channels and, for a secret poll,
-- who voted kept apart from the counts; the residents' convention in versions and amendments.
CREATE TABLE topic_thresholds (
    community_id TEXT NOT NULL REFERENCES communities (id),
    scope TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    expiry_days INTEGER NOT NULL,
    PRIMARY KEY (community_id, scope)
);
CREATE TABLE topics (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    scope TEXT NOT NULL,
    building_id TEXT REFERENCES buildings (id),
    cluster TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    place TEXT NOT NULL,
    raised_by TEXT NOT NULL REFERENCES users (id),
    entered_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    seconds_needed INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    merged_into TEXT REFERENCES topics (id),
    referred_to TEXT,
    decision TEXT,
    objection_until TIMESTAMP,
    owner_id TEXT REFERENCES users (id),
    deadline TIMESTAMP,
    percent INTEGER NOT NULL,
    done_at TIMESTAMP,
    settled_at TIMESTAMP,
    round INTEGER NOT NULL,
    hidden_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX topics_community ON topics (community_id, created_at);
CREATE INDEX topics_status ON topics (status, community_id);
CREATE TABLE topic_events (
    id TEXT PRIMARY KEY NOT NULL,
    topic_id TEXT NOT NULL REFERENCES topics (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_events_topic ON topic_events (topic_id, created_at);
CREATE TABLE topic_seconds (
    topic_id TEXT NOT NULL REFERENCES topics (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);
CREATE TABLE topic_objections (
    id TEXT PRIMARY KEY NOT NULL,
    topic_id TEXT NOT NULL REFERENCES topics (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    text TEXT NOT NULL,
    reply TEXT,
    replied_by TEXT REFERENCES users (id),
    replied_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_objections_topic ON topic_objections (topic_id, created_at);
CREATE TABLE topic_progress (
    id TEXT PRIMARY KEY NOT NULL,
    topic_id TEXT NOT NULL REFERENCES topics (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    percent INTEGER NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX topic_progress_topic ON topic_progress (topic_id, created_at);
CREATE TABLE topic_evaluations (
    topic_id TEXT NOT NULL REFERENCES topics (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    round INTEGER NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    stars INTEGER NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (topic_id, user_id, round)
);
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    scope TEXT NOT NULL,
    building_id TEXT REFERENCES buildings (id),
    cluster TEXT,
    minutes TEXT,
    minuted_by TEXT REFERENCES users (id),
    minuted_at TIMESTAMP,
    confirmed_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_community ON meetings (community_id, starts_at);
CREATE TABLE meeting_topics (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    topic_id TEXT NOT NULL REFERENCES topics (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    outcome TEXT,
    note TEXT,
    PRIMARY KEY (meeting_id, topic_id)
);
CREATE INDEX meeting_topics_topic ON meeting_topics (topic_id);
CREATE TABLE meeting_people (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    registered_at TIMESTAMP,
    checked_in_at TIMESTAMP,
    checked_in_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE TABLE polls (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    subject TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    question TEXT NOT NULL,
    method TEXT NOT NULL,
    options TEXT NOT NULL,
    max_choices INTEGER NOT NULL,
    scope TEXT NOT NULL,
    building_id TEXT REFERENCES buildings (id),
    cluster TEXT,
    unit TEXT NOT NULL,
    secret BOOLEAN NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    turnout_over INTEGER NOT NULL,
    approval_over INTEGER NOT NULL,
    approval_base TEXT NOT NULL,
    electorate BIGINT,
    electorate_at TIMESTAMP,
    ballots BIGINT,
    counts TEXT,
    outcome TEXT,
    published_at TIMESTAMP,
    published_by TEXT REFERENCES users (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX polls_community ON polls (community_id, opens_at);
CREATE INDEX polls_subject ON polls (subject_id);
-- The electorate as it stood when the poll opened: each person and the key of the ballot
-- they may cast (theirs, or their household's).
CREATE TABLE poll_electors (
    poll_id TEXT NOT NULL REFERENCES polls (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    elector TEXT NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);
-- Who voted, once per elector whatever the channel. `choices` only for an open (non-secret)
-- poll; a secret poll's choices exist only as the counts in poll_tallies.
CREATE TABLE poll_voters (
    poll_id TEXT NOT NULL REFERENCES polls (id),
    elector TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    channel TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    choices TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (poll_id, elector)
);
CREATE TABLE poll_tallies (
    poll_id TEXT NOT NULL REFERENCES polls (id),
    option_index INTEGER NOT NULL,
    votes BIGINT NOT NULL,
    PRIMARY KEY (poll_id, option_index)
);
CREATE TABLE paper_tallies (
    id TEXT PRIMARY KEY NOT NULL,
    poll_id TEXT NOT NULL REFERENCES polls (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    batch TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES users (id),
    voters TEXT NOT NULL,
    counts TEXT NOT NULL,
    status TEXT NOT NULL,
    second_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX paper_tallies_poll ON paper_tallies (poll_id, batch);
CREATE TABLE conventions (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX conventions_community ON conventions (community_id, created_at);
CREATE TABLE convention_versions (
    convention_id TEXT NOT NULL REFERENCES conventions (id),
    version INTEGER NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    articles TEXT NOT NULL,
    changelog TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    reviewed_by TEXT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    review_comment TEXT,
    poll_id TEXT REFERENCES polls (id),
    filed_by TEXT REFERENCES users (id),
    filed_at TIMESTAMP,
    filing_reference TEXT,
    in_force_from TIMESTAMP,
    PRIMARY KEY (convention_id, version)
);
CREATE TABLE amendments (
    id TEXT PRIMARY KEY NOT NULL,
    convention_id TEXT NOT NULL REFERENCES conventions (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    article INTEGER NOT NULL,
    text TEXT NOT NULL,
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    decision_reason TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    version INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX amendments_convention ON amendments (convention_id, created_at);
