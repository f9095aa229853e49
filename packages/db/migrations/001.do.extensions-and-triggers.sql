-- Extensions and the shared trigger functions every later migration attaches.
-- gen_random_uuid() is built into Postgres 13+, so pgcrypto is not needed.

CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The one function that maintains updated_at; attached BEFORE UPDATE to every table with that column.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- Makes a table append-only for UPDATE (DELETE stays allowed, e.g. cascades for the right to be forgotten).
CREATE FUNCTION reject_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: UPDATE is not allowed', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;
