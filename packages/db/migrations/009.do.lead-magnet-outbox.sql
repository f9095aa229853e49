-- Lead-magnet email jobs: one row per email to send, created in the signup transaction next to
-- its outreach_outbox message (routing key lead-magnet.email, payload { jobId, kind, subscriberId }).
-- The row makes the consumer idempotent (a redelivered job whose row is 'sent' is acked without
-- sending) and lets the token be generated when the email is sent, so no plain token is ever stored.
CREATE TABLE lm_email_jobs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscriber_id       uuid NOT NULL REFERENCES lm_subscribers (id) ON DELETE CASCADE,
  kind                text NOT NULL CHECK (kind IN ('confirm', 'download')),
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
  attempts            integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  token_id            uuid REFERENCES lm_download_tokens (id) ON DELETE SET NULL,
  provider_message_id text,
  last_error          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);
CREATE INDEX lm_email_jobs_subscriber_idx ON lm_email_jobs (subscriber_id, created_at DESC);
CREATE INDEX lm_email_jobs_token_idx ON lm_email_jobs (token_id);
