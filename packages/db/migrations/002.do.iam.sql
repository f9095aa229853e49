-- Identity and access: organisations (tenants), users, memberships, machine API keys.

CREATE TABLE iam_organisations (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (btrim(name) <> ''),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Users are global (one login, several organisations); membership carries the role.
CREATE TABLE iam_users (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email        citext NOT NULL UNIQUE,
  cognito_sub  text UNIQUE,
  display_name text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE iam_organisation_users (
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES iam_users (id) ON DELETE CASCADE,
  role            text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'manager', 'member')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX iam_organisation_users_user_idx ON iam_organisation_users (user_id);

-- Only the SHA-256 hex of a key is stored; key_prefix is the non-secret part shown in the dashboard.
CREATE TABLE iam_api_keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (btrim(name) <> ''),
  key_prefix      text NOT NULL,
  key_hash        text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  scopes          text[] NOT NULL CHECK (
                    cardinality(scopes) > 0
                    AND scopes <@ ARRAY['ingest:write', 'prospects:read']::text[]
                  ),
  created_by      uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  expires_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id)
);
CREATE INDEX iam_api_keys_org_created_idx ON iam_api_keys (organisation_id, created_at DESC);

CREATE TRIGGER iam_organisations_set_updated_at BEFORE UPDATE ON iam_organisations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER iam_users_set_updated_at BEFORE UPDATE ON iam_users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER iam_organisation_users_set_updated_at BEFORE UPDATE ON iam_organisation_users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER iam_api_keys_set_updated_at BEFORE UPDATE ON iam_api_keys
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
