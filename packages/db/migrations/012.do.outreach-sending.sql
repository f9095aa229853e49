-- Send path: a hashed unsubscribe token per outbound message, and at most one live outbound
-- message per enrollment step (a redelivered draft job cannot create a second one).
ALTER TABLE outreach_messages
  ADD COLUMN unsubscribe_token_hash text CHECK (unsubscribe_token_hash ~ '^[0-9a-f]{64}$');
CREATE UNIQUE INDEX outreach_messages_unsubscribe_token_key ON outreach_messages (unsubscribe_token_hash)
  WHERE unsubscribe_token_hash IS NOT NULL;
CREATE UNIQUE INDEX outreach_messages_outbound_step_key ON outreach_messages (organisation_id, enrollment_id, step_id)
  WHERE direction = 'outbound' AND status NOT IN ('rejected', 'failed');
