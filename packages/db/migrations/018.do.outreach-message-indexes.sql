-- Every outbound message is written four times (drafted, queued, sending, sent) and none of those
-- updates can be HOT, so each index costs four insertions per email. Two indexes did not earn that:
-- - outreach_messages_message_id_idx (Message-ID across tenants) was meant for an inbound webhook
--   that would find the organisation from In-Reply-To; inbound mail now arrives per mailbox, and
--   every Message-ID lookup is per organisation (outreach_messages_org_message_id_key).
-- - outreach_messages_org_status_idx indexed every status, while only the review queue lists by
--   status (drafts, oldest first): a partial index of drafts serves it and is left once approved.
DROP INDEX outreach_messages_message_id_idx;
DROP INDEX outreach_messages_org_status_idx;
CREATE INDEX outreach_messages_org_drafts_idx ON outreach_messages (organisation_id, created_at, id)
  WHERE status = 'draft' AND direction = 'outbound';
