import { query, type Queryable } from '../query.js';

/** The message a pixel token belongs to, with its send time (null for an unknown token). */
export async function findPixelMessage(
  db: Queryable,
  tokenHash: string,
): Promise<{ organisationId: string; messageId: string; sentAt: Date | null } | null> {
  const result = await query<{ organisationId: string; messageId: string; sentAt: Date | null }>(
    db,
    'tracking.find_pixel',
    `SELECT p.organisation_id AS "organisationId", p.message_id AS "messageId", m.sent_at AS "sentAt"
     FROM tracking_pixels p
     JOIN outreach_messages m ON m.organisation_id = p.organisation_id AND m.id = p.message_id
     WHERE p.token_hash = $1`,
    [tokenHash],
  );
  return result.rows[0] ?? null;
}

/** Counts one open (human or machine) with first/last times of human opens. */
export async function recordOpen(
  db: Queryable,
  open: { organisationId: string; messageId: string; at: Date; machine: boolean },
): Promise<void> {
  await query(
    db,
    'tracking.record_open',
    `INSERT INTO tracking_message_open_stats AS s
       (organisation_id, message_id, open_count, machine_open_count, first_opened_at, last_opened_at)
     VALUES ($1, $2, CASE WHEN $4 THEN 0 ELSE 1 END, CASE WHEN $4 THEN 1 ELSE 0 END,
             CASE WHEN $4 THEN NULL ELSE $3::timestamptz END, CASE WHEN $4 THEN NULL ELSE $3::timestamptz END)
     ON CONFLICT (organisation_id, message_id) DO UPDATE SET
       open_count = s.open_count + excluded.open_count,
       machine_open_count = s.machine_open_count + excluded.machine_open_count,
       first_opened_at = coalesce(s.first_opened_at, excluded.first_opened_at),
       last_opened_at = coalesce(excluded.last_opened_at, s.last_opened_at)`,
    [open.organisationId, open.messageId, open.at.toISOString(), open.machine],
  );
}

export interface OpenStats {
  openCount: number;
  machineOpenCount: number;
  firstOpenedAt: Date | null;
  lastOpenedAt: Date | null;
}

/** Open counters of one message (zeros when never opened). */
export async function getOpenStats(db: Queryable, organisationId: string, messageId: string): Promise<OpenStats> {
  const result = await query<OpenStats>(
    db,
    'tracking.open_stats',
    `SELECT open_count AS "openCount", machine_open_count AS "machineOpenCount",
            first_opened_at AS "firstOpenedAt", last_opened_at AS "lastOpenedAt"
     FROM tracking_message_open_stats WHERE organisation_id = $1 AND message_id = $2`,
    [organisationId, messageId],
  );
  return result.rows[0] ?? { openCount: 0, machineOpenCount: 0, firstOpenedAt: null, lastOpenedAt: null };
}
