-- IMAP polling: the poller advances imap_last_seen_uid / imap_uid_validity after every batch. That
-- is not an edit of the mailbox, so it must not move updated_at (the API shows it, and the worker
-- keys its pooled SMTP transports on it: a new value closes and rebuilds the transport).
CREATE FUNCTION outreach_mailboxes_set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  poll_state CONSTANT text[] := ARRAY['imap_last_seen_uid', 'imap_uid_validity', 'updated_at'];
BEGIN
  IF to_jsonb(NEW) - poll_state IS DISTINCT FROM to_jsonb(OLD) - poll_state THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END;
$$;

DROP TRIGGER outreach_mailboxes_set_updated_at ON outreach_mailboxes;
CREATE TRIGGER outreach_mailboxes_set_updated_at BEFORE UPDATE ON outreach_mailboxes
  FOR EACH ROW EXECUTE FUNCTION outreach_mailboxes_set_updated_at();

