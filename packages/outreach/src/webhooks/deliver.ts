import type { WebhookDeliveryJob, WebhookEnvelope } from '@prospectflow/contracts';
import { claimWebhookDelivery, recordWebhookAttempt, type ClaimedWebhookDelivery, type Pool } from '@prospectflow/db';
import { systemClock, type Clock } from '../clock.js';
import { MailboxSecretsError, decryptMailboxSecret } from '../mailbox-secrets.js';
import { WebhookNetworkError, postWebhook } from './http-post.js';
import { signWebhook } from './signature.js';
import { webhookUrlProblem } from './url-policy.js';

export interface WebhookDeliveryDeps {
  pool: Pool;
  /** MAILBOX_SECRETS_KEY: webhook secrets are encrypted like mailbox passwords. */
  secretsKey: Buffer;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Signature timestamps and attempt times: the real time, which receivers compare with theirs. */
  clock?: Clock;
}

/**
 * - `delivered`: 2xx; `retry`: 429, 5xx or no answer, to be tried again; `exhausted`: the same
 *   on the last attempt, now failed; `rejected`: any other answer (or a disabled endpoint, a
 *   refused URL, an unreadable secret), failed for good.
 * - Nothing sent: `settled` (already delivered or failed), `busy` (an attempt is in flight),
 *   `gone` (deleted).
 */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'exhausted' | 'rejected' | 'settled' | 'busy' | 'gone';

export interface WebhookAttemptResult {
  outcome: WebhookAttemptOutcome;
  httpStatus?: number;
  error?: string;
  durationMs?: number;
}

/** The exact bytes POSTed: `{id, type, createdAt, organisationId, data}`. */
export function webhookBody(delivery: ClaimedWebhookDelivery): string {
  const envelope: WebhookEnvelope = {
    id: delivery.eventId,
    type: delivery.eventType,
    createdAt: delivery.eventCreatedAt.toISOString(),
    organisationId: delivery.organisationId,
    data: delivery.payload,
  };
  return JSON.stringify(envelope);
}

/** Signs and POSTs one pending delivery, at most one attempt at a time, and records the attempt. */
export async function deliverWebhook(
  deps: WebhookDeliveryDeps,
  job: WebhookDeliveryJob,
  options: { finalAttempt: boolean },
): Promise<WebhookAttemptResult> {
  const clock = deps.clock ?? systemClock;
  const leaseSeconds = Math.ceil(deps.timeoutMs / 1000) + 30;
  const claim = await claimWebhookDelivery(deps.pool, job.organisationId, job.deliveryId, leaseSeconds);
  if (claim.outcome !== 'claimed') return { outcome: claim.outcome };
  const { delivery } = claim;
  const record = async (result: WebhookAttemptResult): Promise<WebhookAttemptResult> => {
    const status = result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? 'pending' : 'failed';
    await recordWebhookAttempt(deps.pool, job.organisationId, delivery.id, {
      status,
      httpStatus: result.httpStatus ?? null,
      error: result.error ?? null,
      at: clock(),
    });
    return result;
  };
  if (!delivery.enabled) return record({ outcome: 'rejected', error: 'endpoint disabled' });
  const problem = webhookUrlProblem(delivery.url, { allowPrivateTargets: deps.allowPrivateTargets });
  if (problem) return record({ outcome: 'rejected', error: `URL refused: ${problem}` });
  let secret: string;
  try {
    secret = decryptMailboxSecret(deps.secretsKey, delivery.secretEncrypted);
  } catch (error) {
    if (!(error instanceof MailboxSecretsError)) throw error;
    return record({ outcome: 'rejected', error: 'signing secret unreadable with the current key: rotate it' });
  }
  const body = webhookBody(delivery);
  const timestamp = Math.floor(clock().getTime() / 1000);
  const headers = {
    'user-agent': 'ProspectFlow-Webhooks/1',
    'x-prospectflow-event': delivery.eventType,
    'x-prospectflow-delivery': delivery.id,
    'x-prospectflow-timestamp': String(timestamp),
    'x-prospectflow-signature': signWebhook(secret, timestamp, body),
  };
  const started = performance.now();
  const transient = options.finalAttempt ? 'exhausted' : 'retry';
  try {
    const { status } = await postWebhook(delivery.url, body, headers, deps);
    const durationMs = performance.now() - started;
    if (status >= 200 && status < 300) return record({ outcome: 'delivered', httpStatus: status, durationMs });
    const retryable = status === 429 || status >= 500;
    const error = `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
    return record({ outcome: retryable ? transient : 'rejected', httpStatus: status, error, durationMs });
  } catch (error) {
    if (!(error instanceof WebhookNetworkError)) throw error;
    return record({
      outcome: transient,
      error: `${error.code}: ${error.message}`,
      durationMs: performance.now() - started,
    });
  }
}
