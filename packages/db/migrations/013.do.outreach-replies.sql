-- Replies: the per-mailbox secret of the inbound webhook (AES-256-GCM, decrypted to verify HMACs)
-- and, on inbound messages, what applying their classification changed, so a reclassification
-- can undo exactly that (enrollment state, suppression created, tasks cancelled).
ALTER TABLE outreach_mailboxes ADD COLUMN inbound_secret_encrypted text;

ALTER TABLE outreach_messages ADD COLUMN classification_effects jsonb;

-- Fallback matching of a reply without In-Reply-To: our messages to this address.
CREATE INDEX outreach_messages_org_to_email_idx ON outreach_messages (organisation_id, to_email, sent_at DESC)
  WHERE direction = 'outbound' AND status = 'sent';

-- Cross-tenant on purpose: the scheduler's sweep resumes every automatic pause that ended.
CREATE INDEX outreach_campaign_enrollments_paused_until_idx ON outreach_campaign_enrollments (paused_until)
  WHERE state = 'paused' AND paused_until IS NOT NULL;
