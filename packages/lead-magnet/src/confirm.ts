import {
  confirmPendingSubscriber,
  consumeDownloadToken,
  expireSubscriberTokens,
  findDownloadToken,
  insertConsentEvent,
  unsubscribeSubscriber,
  withTransaction,
  type Pool,
} from '@prospectflow/db';
import type { RequestOrigin } from './contracts.js';
import { hashToken, isWellFormedToken } from './tokens.js';

/** Creates a short-lived download URL for the guide (the S3 presigner in production). */
export type PresignDownload = () => Promise<string>;

export type ConfirmResult =
  { outcome: 'invalid' } | { outcome: 'expired' } | { outcome: 'ok'; downloadUrl: string; confirmedNow: boolean };

/**
 * Uses an emailed link: counts one use of the token and, the first time, confirms the pending
 * subscriber with a `confirm` consent event, all in one transaction; then presigns the download.
 * Unknown token → invalid; expired, exhausted or unsubscribed → expired.
 */
export async function confirmToken(
  deps: { pool: Pool; presignDownload: PresignDownload },
  token: string,
  origin: RequestOrigin = {},
): Promise<ConfirmResult> {
  if (!isWellFormedToken(token)) return { outcome: 'invalid' };
  const tokenHash = hashToken(token);
  const used = await withTransaction(deps.pool, async (client) => {
    const consumed = await consumeDownloadToken(client, tokenHash);
    if (!consumed) return null;
    const confirmedNow = await confirmPendingSubscriber(client, consumed.subscriberId);
    if (confirmedNow) {
      await insertConsentEvent(client, { subscriberId: consumed.subscriberId, eventType: 'confirm', ...origin });
    }
    return { confirmedNow };
  });
  if (!used) return (await findDownloadToken(deps.pool, tokenHash)) ? { outcome: 'expired' } : { outcome: 'invalid' };
  return { outcome: 'ok', downloadUrl: await deps.presignDownload(), confirmedNow: used.confirmedNow };
}

export type UnsubscribeResult = { outcome: 'invalid' } | { outcome: 'ok'; unsubscribedNow: boolean };

/**
 * Unsubscribes the owner of an emailed link (any link they received, even expired, so that
 * `List-Unsubscribe` keeps working): status, `unsubscribed_at`, an `unsubscribe` consent event,
 * and every live link of theirs stops working. Idempotent.
 */
export async function unsubscribe(pool: Pool, token: string, origin: RequestOrigin = {}): Promise<UnsubscribeResult> {
  if (!isWellFormedToken(token)) return { outcome: 'invalid' };
  return withTransaction(pool, async (client): Promise<UnsubscribeResult> => {
    const found = await findDownloadToken(client, hashToken(token));
    if (!found) return { outcome: 'invalid' };
    const unsubscribedNow = await unsubscribeSubscriber(client, found.subscriberId);
    if (unsubscribedNow) {
      await insertConsentEvent(client, { subscriberId: found.subscriberId, eventType: 'unsubscribe', ...origin });
      await expireSubscriberTokens(client, found.subscriberId);
    }
    return { outcome: 'ok', unsubscribedNow };
  });
}
