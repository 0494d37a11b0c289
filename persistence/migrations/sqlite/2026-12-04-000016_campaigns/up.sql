-- Civility campaigns (文明线): activity campaigns with sign-ups, pledges and linked volunteer
-- tasks; collection campaigns (十佳好家规) with entries, review, a shortlist, one ballot per
-- resident (bursts flagged for review, not counted), an optional jury, and the chosen ten.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    voting_opens_at TIMESTAMP,
    voting_closes_at TIMESTAMP,
    max_choices INTEGER NOT NULL,
    jury_weight INTEGER NOT NULL,
    published_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_community ON campaigns (community_id, starts_at);
CREATE TABLE campaign_signups (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_signups_day ON campaign_signups (community_id, created_at);
CREATE TABLE campaign_pledges (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_pledges_day ON campaign_pledges (community_id, created_at);
CREATE TABLE campaign_tasks (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    need_id TEXT REFERENCES needs (id),
    session_id TEXT REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX campaign_tasks_need ON campaign_tasks (campaign_id, need_id);
CREATE UNIQUE INDEX campaign_tasks_session ON campaign_tasks (campaign_id, session_id);
CREATE TABLE campaign_entries (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    family TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    jury_score INTEGER,
    votes BIGINT,
    score BIGINT,
    rank INTEGER,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaign_entries_campaign ON campaign_entries (campaign_id, status, id);
CREATE UNIQUE INDEX campaign_entries_author ON campaign_entries (campaign_id, author_id) WHERE status NOT IN ('returned', 'rejected');
CREATE TABLE campaign_ballots (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    voter_id TEXT NOT NULL REFERENCES users (id),
    entry_ids TEXT NOT NULL,
    status TEXT NOT NULL,
    flag TEXT,
    reviewed_by TEXT REFERENCES users (id),
    review_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX campaign_ballots_once ON campaign_ballots (campaign_id, voter_id);
CREATE INDEX campaign_ballots_time ON campaign_ballots (campaign_id, created_at);
