import type pg from 'pg';
import { query, type Queryable } from '../query.js';

/** A mailbox the IMAP poller reads, with its encrypted password and where the last poll stopped. */
export interface ImapMailbox {
  id: string;
  organisationId: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  passwordEncrypted: string | null;
  /** Highest UID published, under `uidValidity`; null before the first message. */
  lastSeenUid: number | null;
  /** UIDVALIDITY of the INBOX that `lastSeenUid` belongs to (a decimal string: it is a bigint). */
  uidValidity: string | null;
}

const columns = `id, organisation_id AS "organisationId", imap_host AS host, COALESCE(imap_port, 993) AS port,
  imap_secure AS secure, imap_user AS user, imap_password_encrypted AS "passwordEncrypted",
  imap_last_seen_uid::float8 AS "lastSeenUid", imap_uid_validity::text AS "uidValidity"`;

/** Every mailbox with IMAP settings, across organisations (the poller's work list). */
export async function listImapMailboxes(db: Queryable): Promise<ImapMailbox[]> {
  const result = await query<ImapMailbox>(
    db,
    'outreach.list_imap_mailboxes',
    `SELECT ${columns} FROM outreach_mailboxes
     WHERE imap_host IS NOT NULL AND imap_user IS NOT NULL ORDER BY id`,
  );
  return result.rows;
}

/** One mailbox's IMAP settings and poll state as they are now; null when gone or without IMAP. */
export async function getImapMailbox(db: Queryable, organisationId: string, id: string): Promise<ImapMailbox | null> {
  const result = await query<ImapMailbox>(
    db,
    'outreach.get_imap_mailbox',
    `SELECT ${columns} FROM outreach_mailboxes
     WHERE organisation_id = $1 AND id = $2 AND imap_host IS NOT NULL AND imap_user IS NOT NULL`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/**
 * Runs `fn` while holding the mailbox's session advisory lock on a dedicated connection, so one
 * process at a time polls a mailbox; null without running `fn` when another process holds it.
 * The lock dies with the connection, so a crashed poller never blocks the mailbox.
 */
export async function withImapPollLock<T>(
  pool: pg.Pool,
  mailboxId: string,
  fn: (db: Queryable) => Promise<T>,
): Promise<T | null> {
  const client = await pool.connect();
  // A connection whose lock or unlock failed may still hold the lock: destroyed, not pooled.
  let broken: Error | undefined;
  const markBroken = (error: unknown) => {
    broken = error instanceof Error ? error : new Error(String(error));
  };
  try {
    const lock = await query<{ locked: boolean }>(
      client,
      'outreach.lock_imap_mailbox',
      `SELECT pg_try_advisory_lock(hashtextextended('outreach-imap:' || $1, 0)) AS locked`,
      [mailboxId],
    ).catch((error: unknown) => {
      markBroken(error);
      throw error;
    });
    if (!lock.rows[0]?.locked) return null;
    try {
      return await fn(client);
    } finally {
      await query(
        client,
        'outreach.unlock_imap_mailbox',
        `SELECT pg_advisory_unlock(hashtextextended('outreach-imap:' || $1, 0))`,
        [mailboxId],
      ).catch(markBroken);
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Starts over under a new UIDVALIDITY (every message is read again); false when the mailbox's IMAP
 * server or user changed since `expected` was read (the caller stops this poll).
 */
export async function resetImapUidValidity(
  db: Queryable,
  expected: Pick<ImapMailbox, 'organisationId' | 'id' | 'host' | 'user'>,
  uidValidity: string,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.reset_imap_uid_validity',
    `UPDATE outreach_mailboxes SET imap_uid_validity = $5::bigint, imap_last_seen_uid = NULL
     WHERE organisation_id = $1 AND id = $2 AND imap_host = $3 AND imap_user = $4`,
    [expected.organisationId, expected.id, expected.host, expected.user, uidValidity],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Records that every message up to `uid` was published; never moves backwards. False when the
 * UIDVALIDITY on record is no longer `uidValidity` (settings edited meanwhile: the caller stops).
 */
export async function advanceImapLastSeenUid(
  db: Queryable,
  mailbox: Pick<ImapMailbox, 'organisationId' | 'id'>,
  uidValidity: string,
  uid: number,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.advance_imap_last_seen_uid',
    `UPDATE outreach_mailboxes SET imap_last_seen_uid = GREATEST(COALESCE(imap_last_seen_uid, 0), $4::bigint)
     WHERE organisation_id = $1 AND id = $2 AND imap_uid_validity = $3::bigint`,
    [mailbox.organisationId, mailbox.id, uidValidity, uid],
  );
  return (result.rowCount ?? 0) > 0;
}
