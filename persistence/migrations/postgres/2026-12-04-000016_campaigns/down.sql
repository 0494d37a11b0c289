DROP TABLE campaign_ballots;
DROP TABLE campaign_entries;
DROP TABLE campaign_tasks;
DROP TABLE campaign_pledges;
DROP TABLE campaign_signups;
DROP TABLE campaigns;
