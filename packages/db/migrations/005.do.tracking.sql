-- Tracking: one pixel token per outbound message, aggregated open stats, click events.

CREATE TABLE tracking_pixels (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  message_id      uuid NOT NULL,
  token_hash      text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, message_id),
  FOREIGN KEY (organisation_id, message_id) REFERENCES outreach_messages (organisation_id, id) ON DELETE CASCADE
);

-- machine_open_count counts opens attributed to proxies/scanners (e.g. Apple MPP), kept apart from open_count.
CREATE TABLE tracking_message_open_stats (
  organisation_id    uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  message_id         uuid NOT NULL,
  open_count         integer NOT NULL DEFAULT 0 CHECK (open_count >= 0),
  machine_open_count integer NOT NULL DEFAULT 0 CHECK (machine_open_count >= 0),
  first_opened_at    timestamptz,
  last_opened_at     timestamptz,
  PRIMARY KEY (organisation_id, message_id),
  FOREIGN KEY (organisation_id, message_id) REFERENCES outreach_messages (organisation_id, id) ON DELETE CASCADE
);

CREATE TABLE tracking_click_events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  message_id      uuid NOT NULL,
  url             text NOT NULL,
  clicked_at      timestamptz NOT NULL DEFAULT now(),
  user_agent      text,
  ip              inet,
  FOREIGN KEY (organisation_id, message_id) REFERENCES outreach_messages (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX tracking_click_events_org_message_idx ON tracking_click_events (organisation_id, message_id, clicked_at);
