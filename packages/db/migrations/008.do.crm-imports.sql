-- CSV imports: the uploaded file, its detected format, the chosen column mapping and the progress
-- of the background job; rows rejected by validation are kept with their original cells so the
-- operator can download, fix and re-import them. See doc/INGEST.md.

CREATE TABLE crm_imports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  created_by      uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  size_bytes      integer NOT NULL CHECK (size_bytes >= 0),
  -- The file itself until the import succeeds (then cleared): at most a few tens of MB, read back
  -- in slices by the worker, hence EXTERNAL storage (uncompressed, so substring() fetches only
  -- the TOAST chunks it needs).
  content         bytea,
  encoding        text NOT NULL CHECK (encoding IN ('utf-8', 'windows-1252', 'utf-16le')),
  separator       text NOT NULL CHECK (separator IN (';', ',', E'\t')),
  headers         jsonb NOT NULL,
  sample_rows     jsonb NOT NULL DEFAULT '[]',
  mapping         jsonb,
  status          text NOT NULL DEFAULT 'uploaded'
                    CHECK (status IN ('uploaded', 'queued', 'processing', 'succeeded', 'failed')),
  rows_total      integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
  rows_done       integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  accepted_count  integer NOT NULL DEFAULT 0 CHECK (accepted_count >= 0),
  rejected_count  integer NOT NULL DEFAULT 0 CHECK (rejected_count >= 0),
  counts          jsonb NOT NULL DEFAULT '{}',
  error           text,
  ingest_run_id   uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, ingest_run_id),
  FOREIGN KEY (organisation_id, ingest_run_id) REFERENCES crm_ingest_runs (organisation_id, id)
    ON DELETE SET NULL (ingest_run_id)
);
ALTER TABLE crm_imports ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX crm_imports_org_created_idx ON crm_imports (organisation_id, created_at DESC, id DESC);

CREATE TABLE crm_import_rejected_rows (
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  import_id       uuid NOT NULL,
  -- Line of the file where the record starts (a quoted field may span several lines).
  line            integer NOT NULL CHECK (line > 0),
  reasons         jsonb NOT NULL,
  cells           jsonb NOT NULL,
  PRIMARY KEY (organisation_id, import_id, line),
  FOREIGN KEY (organisation_id, import_id) REFERENCES crm_imports (organisation_id, id) ON DELETE CASCADE
);

CREATE TRIGGER crm_imports_set_updated_at BEFORE UPDATE ON crm_imports
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
