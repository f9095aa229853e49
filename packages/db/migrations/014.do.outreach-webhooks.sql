-- Outbound webhooks: endpoints an organisation subscribes to events, and one delivery row per
-- (event, endpoint) with its attempts. The signing secret is AES-256-GCM encrypted (the worker
-- needs it back to sign), like mailbox passwords.

CREATE TABLE outreach_webhook_endpoints (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  url              text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2048),
  description      text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  event_types      text[] NOT NULL CHECK (
                     cardinality(event_types) > 0
                     AND event_types <@ '{reply.received,message.bounced,enrollment.finished,prospect.unsubscribed}'::text[]
                   ),
  secret_encrypted text NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  created_by       uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id)
);
CREATE INDEX outreach_webhook_endpoints_org_created_idx ON outreach_webhook_endpoints (organisation_id, created_at DESC);
CREATE INDEX outreach_webhook_endpoints_org_events_idx ON outreach_webhook_endpoints USING gin (event_types)
  WHERE enabled;

-- event_id is shared by the deliveries of one event (receivers deduplicate on it); a redelivery
-- is a new row with the same event. locked_until is the lease of the attempt in flight.
CREATE TABLE outreach_webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  endpoint_id      uuid NOT NULL,
  event_id         uuid NOT NULL,
  event_type       text NOT NULL CHECK (
                     event_type IN ('ping', 'reply.received', 'message.bounced', 'enrollment.finished', 'prospect.unsubscribed')
                   ),
  event_created_at timestamptz NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status      integer CHECK (last_status BETWEEN 100 AND 599),
  last_error       text,
  last_attempt_at  timestamptz,
  delivered_at     timestamptz,
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, endpoint_id) REFERENCES outreach_webhook_endpoints (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX outreach_webhook_deliveries_org_endpoint_idx
  ON outreach_webhook_deliveries (organisation_id, endpoint_id, created_at DESC, id DESC);
CREATE INDEX outreach_webhook_deliveries_org_event_idx ON outreach_webhook_deliveries (organisation_id, event_id);

CREATE TRIGGER outreach_webhook_endpoints_set_updated_at BEFORE UPDATE ON outreach_webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_webhook_deliveries_set_updated_at BEFORE UPDATE ON outreach_webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
