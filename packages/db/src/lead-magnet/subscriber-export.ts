import { query, type Queryable } from '../query.js';
import { listConsentEvents, type ConsentEvent } from './consent-events.js';
import { getSubscriber, type Subscriber } from './subscribers.js';
import type { DownloadToken } from './tokens.js';

/** An email job as the subject sees it in an export. */
export interface ExportedEmailJob {
  id: string;
  kind: 'confirm' | 'download';
  status: 'pending' | 'sent' | 'skipped';
  attempts: number;
  tokenId: string | null;
  providerMessageId: string | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Everything held about one subscriber (RGPD access request). Token hashes are left out: they are not data about the person. */
export interface SubscriberExport {
  subscriber: Subscriber;
  consentEvents: ConsentEvent[];
  downloadTokens: DownloadToken[];
  emailJobs: ExportedEmailJob[];
}

/** Gathers the subscriber, their consent log, link metadata and email jobs; null when unknown. */
export async function exportSubscriber(db: Queryable, id: string): Promise<SubscriberExport | null> {
  const subscriber = await getSubscriber(db, id);
  if (!subscriber) return null;
  const [consentEvents, downloadTokens, emailJobs] = await Promise.all([
    listConsentEvents(db, id),
    listSubscriberTokens(db, id),
    listSubscriberEmailJobs(db, id),
  ]);
  return { subscriber, consentEvents, downloadTokens, emailJobs };
}

async function listSubscriberTokens(db: Queryable, subscriberId: string): Promise<DownloadToken[]> {
  const result = await query<DownloadToken>(
    db,
    'lm.export_tokens',
    `SELECT id, subscriber_id AS "subscriberId", purpose, expires_at AS "expiresAt", max_uses AS "maxUses",
            use_count AS "useCount", used_at AS "usedAt", created_at AS "createdAt"
     FROM lm_download_tokens WHERE subscriber_id = $1 ORDER BY created_at, id`,
    [subscriberId],
  );
  return result.rows;
}

async function listSubscriberEmailJobs(db: Queryable, subscriberId: string): Promise<ExportedEmailJob[]> {
  const result = await query<ExportedEmailJob>(
    db,
    'lm.export_email_jobs',
    `SELECT id, kind, status, attempts, token_id AS "tokenId", provider_message_id AS "providerMessageId",
            last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"
     FROM lm_email_jobs WHERE subscriber_id = $1 ORDER BY created_at, id`,
    [subscriberId],
  );
  return result.rows;
}
