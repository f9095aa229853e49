-- Send slots: what the scheduler's caps count. Each send the scheduler lets through takes one slot
-- of its campaign's local day and one of its mailbox's hour (the mailbox cap is a rolling 24 h,
-- summed over hours), in the transaction that claims it. Counting the messages instead cost a walk
-- over every message the campaign and the mailbox ever sent, on every tick. A slot is never given
-- back: a send that fails still counted against the day (the provider saw the attempt).
CREATE TABLE outreach_campaign_send_slots (
  organisation_id uuid NOT NULL,
  campaign_id     uuid NOT NULL,
  day_start       timestamptz NOT NULL,
  taken           integer NOT NULL CHECK (taken >= 0),
  PRIMARY KEY (organisation_id, campaign_id, day_start),
  FOREIGN KEY (organisation_id, campaign_id) REFERENCES outreach_campaigns (organisation_id, id) ON DELETE CASCADE
);

CREATE TABLE outreach_mailbox_send_slots (
  organisation_id uuid NOT NULL,
  mailbox_id      uuid NOT NULL,
  hour_start      timestamptz NOT NULL,
  taken           integer NOT NULL CHECK (taken >= 0),
  last_taken_at   timestamptz NOT NULL,
  PRIMARY KEY (organisation_id, mailbox_id, hour_start),
  FOREIGN KEY (organisation_id, mailbox_id) REFERENCES outreach_mailboxes (organisation_id, id) ON DELETE CASCADE
);

-- The slots of the last two days, from the messages that took one (queued, sending or sent).
WITH took AS (
  SELECT m.organisation_id, e.campaign_id, c.timezone, m.mailbox_id, coalesce(m.sent_at, m.updated_at) AS at
  FROM outreach_messages m
  JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
  JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
  WHERE m.direction = 'outbound' AND m.status IN ('queued', 'sending', 'sent')
    AND coalesce(m.sent_at, m.updated_at) >= now() - interval '2 days'
), campaigns AS (
  INSERT INTO outreach_campaign_send_slots (organisation_id, campaign_id, day_start, taken)
  SELECT organisation_id, campaign_id, date_trunc('day', at AT TIME ZONE timezone) AT TIME ZONE timezone, count(*)
  FROM took GROUP BY 1, 2, 3
)
INSERT INTO outreach_mailbox_send_slots (organisation_id, mailbox_id, hour_start, taken, last_taken_at)
SELECT organisation_id, mailbox_id, date_trunc('hour', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), max(at)
FROM took WHERE mailbox_id IS NOT NULL GROUP BY 1, 2, 3;
