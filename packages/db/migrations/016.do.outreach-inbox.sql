-- Inbox: inbound messages of an organisation, newest first (keyset on received_at, id).
CREATE INDEX outreach_messages_org_inbox_idx ON outreach_messages (organisation_id, received_at DESC, id DESC)
  WHERE direction = 'inbound';
