-- Outreach: mailboxes, campaigns and their steps, A/B experiments, enrollments, work queue,
-- messages, suppressions and the transactional outbox. Composite tenant keys throughout.
-- FKs that must not cascade use NO ACTION (checked at statement end) rather than RESTRICT,
-- so deleting an organisation can cascade through every table in one statement.

CREATE TABLE outreach_mailboxes (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id          uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  from_name                text NOT NULL,
  from_email               citext NOT NULL,
  reply_to                 citext,
  transport                text NOT NULL DEFAULT 'smtp' CHECK (transport IN ('smtp', 'ses')),
  smtp_host                text,
  smtp_port                integer CHECK (smtp_port BETWEEN 1 AND 65535),
  smtp_secure              boolean NOT NULL DEFAULT true,
  smtp_user                text,
  smtp_password_encrypted  text,
  daily_cap                integer NOT NULL DEFAULT 200 CHECK (daily_cap > 0),
  min_gap_seconds          integer NOT NULL DEFAULT 60 CHECK (min_gap_seconds >= 0),
  verified_at              timestamptz,
  imap_host                text,
  imap_port                integer CHECK (imap_port BETWEEN 1 AND 65535),
  imap_secure              boolean NOT NULL DEFAULT true,
  imap_user                text,
  imap_password_encrypted  text,
  imap_last_seen_uid       bigint,
  imap_uid_validity        bigint,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, from_email)
);

-- send_days are ISO weekdays (1 = Monday … 7 = Sunday); hours are local to timezone, end exclusive.
CREATE TABLE outreach_campaigns (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (btrim(name) <> ''),
  status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'paused', 'archived')),
  mailbox_id       uuid,
  timezone         text NOT NULL DEFAULT 'Europe/Paris',
  send_days        integer[] NOT NULL DEFAULT '{1,2,3,4,5}'
                     CHECK (cardinality(send_days) > 0 AND send_days <@ '{1,2,3,4,5,6,7}'::integer[]),
  send_start_hour  integer NOT NULL DEFAULT 9 CHECK (send_start_hour BETWEEN 0 AND 23),
  send_end_hour    integer NOT NULL DEFAULT 18 CHECK (send_end_hour BETWEEN 1 AND 24),
  daily_cap        integer NOT NULL DEFAULT 50 CHECK (daily_cap > 0),
  require_approval boolean NOT NULL DEFAULT false,
  open_tracking    boolean NOT NULL DEFAULT false,
  created_by       uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK (send_start_hour < send_end_hour),
  FOREIGN KEY (organisation_id, mailbox_id) REFERENCES outreach_mailboxes (organisation_id, id)
);
CREATE INDEX outreach_campaigns_org_status_idx ON outreach_campaigns (organisation_id, status);
CREATE INDEX outreach_campaigns_org_mailbox_idx ON outreach_campaigns (organisation_id, mailbox_id) WHERE mailbox_id IS NOT NULL;

-- Versioned prompts: a new version is a new row, never an edit of a used one.
CREATE TABLE outreach_prompts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (btrim(name) <> ''),
  version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
  system_prompt   text NOT NULL DEFAULT '',
  user_prompt     text NOT NULL,
  created_by      uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, name, version)
);

-- step_index is 0-based; the unique key is deferrable so steps can be reordered in one statement.
CREATE TABLE outreach_workflow_steps (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  campaign_id      uuid NOT NULL,
  step_index       integer NOT NULL CHECK (step_index >= 0),
  delay_days       integer NOT NULL DEFAULT 0 CHECK (delay_days >= 0),
  exit_on_reply    boolean NOT NULL DEFAULT true,
  enabled          boolean NOT NULL DEFAULT true,
  prompt_id        uuid,
  subject_template text,
  body_template    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CONSTRAINT outreach_workflow_steps_campaign_step_index_key
    UNIQUE (organisation_id, campaign_id, step_index) DEFERRABLE INITIALLY IMMEDIATE,
  FOREIGN KEY (organisation_id, campaign_id) REFERENCES outreach_campaigns (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, prompt_id) REFERENCES outreach_prompts (organisation_id, id)
);
CREATE INDEX outreach_workflow_steps_org_prompt_idx ON outreach_workflow_steps (organisation_id, prompt_id) WHERE prompt_id IS NOT NULL;

CREATE TABLE outreach_step_experiments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  step_id         uuid NOT NULL,
  name            text NOT NULL CHECK (btrim(name) <> ''),
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('draft', 'running', 'stopped')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, step_id) REFERENCES outreach_workflow_steps (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX outreach_step_experiments_org_step_idx ON outreach_step_experiments (organisation_id, step_id);
-- At most one running experiment per step, so variant picking is unambiguous.
CREATE UNIQUE INDEX outreach_step_experiments_running_key
  ON outreach_step_experiments (organisation_id, step_id) WHERE status = 'running';

CREATE TABLE outreach_step_experiment_variants (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  experiment_id    uuid NOT NULL,
  key              text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{1,32}$'),
  weight           integer NOT NULL DEFAULT 1 CHECK (weight > 0),
  prompt_id        uuid,
  subject_template text,
  body_template    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, experiment_id, key),
  FOREIGN KEY (organisation_id, experiment_id) REFERENCES outreach_step_experiments (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, prompt_id) REFERENCES outreach_prompts (organisation_id, id)
);
CREATE INDEX outreach_step_experiment_variants_org_prompt_idx
  ON outreach_step_experiment_variants (organisation_id, prompt_id) WHERE prompt_id IS NOT NULL;

CREATE TABLE outreach_campaign_enrollments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id    uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  campaign_id        uuid NOT NULL,
  position_id        uuid NOT NULL,
  state              text NOT NULL DEFAULT 'active'
                       CHECK (state IN ('active', 'paused', 'replied', 'bounced', 'unsubscribed', 'finished')),
  current_step_index integer NOT NULL DEFAULT 0 CHECK (current_step_index >= 0),
  paused_until       timestamptz,
  enrolled_at        timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, campaign_id, position_id),
  FOREIGN KEY (organisation_id, campaign_id) REFERENCES outreach_campaigns (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, position_id) REFERENCES crm_positions (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX outreach_campaign_enrollments_org_campaign_state_idx
  ON outreach_campaign_enrollments (organisation_id, campaign_id, state);
CREATE INDEX outreach_campaign_enrollments_org_position_idx
  ON outreach_campaign_enrollments (organisation_id, position_id);

-- Stable A/B: an enrollment keeps the variant it was first given for a step.
CREATE TABLE outreach_enrollment_step_variant_assignments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  enrollment_id   uuid NOT NULL,
  step_id         uuid NOT NULL,
  variant_id      uuid NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, enrollment_id, step_id),
  FOREIGN KEY (organisation_id, enrollment_id) REFERENCES outreach_campaign_enrollments (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, step_id) REFERENCES outreach_workflow_steps (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, variant_id) REFERENCES outreach_step_experiment_variants (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX outreach_assignments_org_step_idx ON outreach_enrollment_step_variant_assignments (organisation_id, step_id);
CREATE INDEX outreach_assignments_org_variant_idx ON outreach_enrollment_step_variant_assignments (organisation_id, variant_id);

-- Work queue claimed with FOR UPDATE SKIP LOCKED by the workers.
CREATE TABLE outreach_tasks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  enrollment_id   uuid NOT NULL,
  step_id         uuid,
  kind            text NOT NULL CHECK (kind IN ('draft', 'send', 'followup')),
  scheduled_for   timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done', 'failed', 'cancelled')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_by       text,
  locked_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, enrollment_id) REFERENCES outreach_campaign_enrollments (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, step_id) REFERENCES outreach_workflow_steps (organisation_id, id) ON DELETE CASCADE
);
-- Cross-tenant on purpose: the scheduler claims due work for every organisation.
CREATE INDEX outreach_tasks_due_idx ON outreach_tasks (scheduled_for) WHERE status = 'pending';
CREATE INDEX outreach_tasks_stale_claim_idx ON outreach_tasks (locked_until) WHERE status = 'claimed';
CREATE INDEX outreach_tasks_org_enrollment_idx ON outreach_tasks (organisation_id, enrollment_id);
CREATE INDEX outreach_tasks_org_step_idx ON outreach_tasks (organisation_id, step_id) WHERE step_id IS NOT NULL;
-- A redelivered scheduling job cannot queue the same live task twice (use ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX outreach_tasks_live_key ON outreach_tasks (organisation_id, enrollment_id, step_id, kind)
  NULLS NOT DISTINCT WHERE status IN ('pending', 'claimed');

CREATE TABLE outreach_messages (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id       uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  enrollment_id         uuid,
  step_id               uuid,
  variant_id            uuid,
  mailbox_id            uuid,
  direction             text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  status                text NOT NULL CHECK (
                          status IN ('draft', 'approved', 'rejected', 'queued', 'sending', 'sent', 'failed', 'received')
                        ),
  message_id            text,
  in_reply_to           text,
  references_header     text,
  thread_id             uuid,
  from_email            citext,
  to_email              citext,
  subject               text,
  body_text             text,
  body_html             text,
  classification        text CHECK (
                          classification IN ('human_reply', 'auto_reply', 'bounce_permanent', 'bounce_temporary', 'unsubscribe_request')
                        ),
  classification_reason text,
  handled_at            timestamptz,
  approved_by           uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  approved_at           timestamptz,
  sent_at               timestamptz,
  received_at           timestamptz,
  error                 text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CONSTRAINT outreach_messages_inbound_is_received CHECK ((direction = 'inbound') = (status = 'received')),
  CONSTRAINT outreach_messages_classification_inbound_only CHECK (classification IS NULL OR direction = 'inbound'),
  FOREIGN KEY (organisation_id, enrollment_id) REFERENCES outreach_campaign_enrollments (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, step_id) REFERENCES outreach_workflow_steps (organisation_id, id) ON DELETE SET NULL (step_id),
  FOREIGN KEY (organisation_id, variant_id) REFERENCES outreach_step_experiment_variants (organisation_id, id)
    ON DELETE SET NULL (variant_id),
  FOREIGN KEY (organisation_id, mailbox_id) REFERENCES outreach_mailboxes (organisation_id, id) ON DELETE SET NULL (mailbox_id)
);
CREATE UNIQUE INDEX outreach_messages_org_message_id_key ON outreach_messages (organisation_id, message_id)
  WHERE message_id IS NOT NULL;
-- Cross-tenant on purpose: an inbound webhook finds the organisation from In-Reply-To/References.
CREATE INDEX outreach_messages_message_id_idx ON outreach_messages (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX outreach_messages_org_enrollment_idx ON outreach_messages (organisation_id, enrollment_id, created_at);
CREATE INDEX outreach_messages_org_status_idx ON outreach_messages (organisation_id, status, created_at DESC);
CREATE INDEX outreach_messages_org_thread_idx ON outreach_messages (organisation_id, thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX outreach_messages_org_step_idx ON outreach_messages (organisation_id, step_id) WHERE step_id IS NOT NULL;
CREATE INDEX outreach_messages_org_variant_idx ON outreach_messages (organisation_id, variant_id) WHERE variant_id IS NOT NULL;
CREATE INDEX outreach_messages_org_mailbox_sent_idx ON outreach_messages (organisation_id, mailbox_id, sent_at)
  WHERE mailbox_id IS NOT NULL;

CREATE TABLE outreach_suppressions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id   uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  email             citext NOT NULL CHECK (email <> ''),
  reason            text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'manual')),
  source_message_id uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, email),
  FOREIGN KEY (organisation_id, source_message_id) REFERENCES outreach_messages (organisation_id, id)
    ON DELETE SET NULL (source_message_id)
);
CREATE INDEX outreach_suppressions_org_source_message_idx ON outreach_suppressions (organisation_id, source_message_id)
  WHERE source_message_id IS NOT NULL;

-- Transactional outbox: written in the same transaction as the change, published by the relay.
-- organisation_id is NULL for lead-magnet messages, which belong to no tenant.
CREATE TABLE outreach_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid REFERENCES iam_organisations (id) ON DELETE CASCADE,
  routing_key     text NOT NULL,
  payload         jsonb NOT NULL,
  headers         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  available_at    timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text
);
CREATE INDEX outreach_outbox_unpublished_idx ON outreach_outbox (available_at) WHERE published_at IS NULL;
CREATE INDEX outreach_outbox_org_idx ON outreach_outbox (organisation_id) WHERE organisation_id IS NOT NULL;

CREATE TRIGGER outreach_mailboxes_set_updated_at BEFORE UPDATE ON outreach_mailboxes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_campaigns_set_updated_at BEFORE UPDATE ON outreach_campaigns
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_prompts_set_updated_at BEFORE UPDATE ON outreach_prompts
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_workflow_steps_set_updated_at BEFORE UPDATE ON outreach_workflow_steps
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_step_experiments_set_updated_at BEFORE UPDATE ON outreach_step_experiments
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_step_experiment_variants_set_updated_at BEFORE UPDATE ON outreach_step_experiment_variants
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_campaign_enrollments_set_updated_at BEFORE UPDATE ON outreach_campaign_enrollments
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_tasks_set_updated_at BEFORE UPDATE ON outreach_tasks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER outreach_messages_set_updated_at BEFORE UPDATE ON outreach_messages
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
