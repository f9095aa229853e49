-- The consent log is evidence: a row may only disappear with its subscriber (right to be
-- forgotten, ON DELETE CASCADE). A direct DELETE runs this trigger at depth 1; a cascade runs it
-- from the foreign key's own trigger, at depth 2 or more.
CREATE FUNCTION reject_direct_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() <= 1 THEN
    RAISE EXCEPTION '% is append-only: delete the subscriber to erase it', TG_TABLE_NAME
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END;
$$;

CREATE TRIGGER lm_consent_events_no_direct_delete BEFORE DELETE ON lm_consent_events
  FOR EACH ROW EXECUTE FUNCTION reject_direct_delete();
