-- Lead magnet (B2C, single tenant, RGPD): no organisation_id. Columns, checks and indexes are
-- fixed by the design. Deleting a subscriber (right to be forgotten) cascades to everything about them.

CREATE TABLE lm_subscribers (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email              text NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
  source             text,
  tags               jsonb NOT NULL DEFAULT '[]',
  created_at         timestamptz NOT NULL DEFAULT now(),
  confirmed_at       timestamptz,
  unsubscribed_at    timestamptz,
  last_email_sent_at timestamptz
);
CREATE UNIQUE INDEX lm_subscribers_email_lower_key ON lm_subscribers (lower(email));
CREATE INDEX lm_subscribers_status_idx ON lm_subscribers (status);
CREATE INDEX lm_subscribers_created_at_idx ON lm_subscribers (created_at DESC);

-- Immutable consent log (proof of opt-in): UPDATE is rejected, DELETE only serves erasure.
CREATE TABLE lm_consent_events (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscriber_id          uuid NOT NULL REFERENCES lm_subscribers (id) ON DELETE CASCADE,
  event_type             text NOT NULL CHECK (event_type IN ('signup', 'confirm', 'unsubscribe')),
  consent_text           text,
  privacy_policy_version text,
  ip                     inet,
  user_agent             text,
  occurred_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lm_consent_events_subscriber_idx ON lm_consent_events (subscriber_id, occurred_at DESC);
CREATE TRIGGER lm_consent_events_append_only BEFORE UPDATE ON lm_consent_events
  FOR EACH ROW EXECUTE FUNCTION reject_update();

CREATE TABLE lm_download_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscriber_id uuid NOT NULL REFERENCES lm_subscribers (id) ON DELETE CASCADE,
  token_hash    text NOT NULL UNIQUE,
  purpose       text NOT NULL CHECK (purpose IN ('confirm_and_download', 'download_only')),
  expires_at    timestamptz NOT NULL,
  max_uses      integer NOT NULL DEFAULT 999,
  use_count     integer NOT NULL DEFAULT 0,
  used_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lm_download_tokens_subscriber_idx ON lm_download_tokens (subscriber_id, created_at DESC);
CREATE INDEX lm_download_tokens_usable_expires_idx ON lm_download_tokens (expires_at) WHERE use_count < max_uses;

-- Landing page visits, one counter per day (no personal data).
CREATE TABLE lm_visits (
  day   date PRIMARY KEY,
  count integer NOT NULL DEFAULT 0 CHECK (count >= 0)
);
