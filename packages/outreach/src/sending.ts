import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  lockSendWork,
  lockSendableMessage,
  lockTask,
  markSendFailed,
  markSending,
  pauseAfterFailure,
  settleTask,
  withTransaction,
  type MailboxForSending,
  type Pool,
  type Queryable,
  type SendableMessage,
} from '@prospectflow/db';
import type { Clock } from './clock.js';
import { sendStatements } from './send-statements.js';
import { addTrackingAndUnsubscribe } from './tracking-footer.js';
import { generateTrackingToken, hashTrackingToken, trackingUrls } from './tracking-tokens.js';
import type { TransportCache } from './transport-cache.js';
import { MailSendError, newMessageId, type OutgoingEmail } from './transports/index.js';

export interface SendDeps {
  pool: Pool;
  clock: Clock;
  transports: TransportCache;
  /** The API's public URL: pixel `/t/o/<token>.gif` and unsubscribe `/u/<token>`. */
  trackingBaseUrl: string;
}

export type SendResult =
  | { outcome: 'sent'; organisationId: string; messageId: string }
  | { outcome: 'skipped' | 'deferred' | 'already_sent' | 'interrupted' | 'unknown_delivery'; reason?: string };

interface Prepared {
  message: SendableMessage;
  mailbox: MailboxForSending;
  email: OutgoingEmail;
}

type Job = { organisationId: string; taskId: string };

/** Settles the task and returns the result, for the early exits of `prepareSend`. */
async function settle(
  client: Queryable,
  job: Job,
  status: 'done' | 'failed' | 'cancelled' | 'pending',
  result: SendResult & { reason: string },
): Promise<SendResult> {
  await settleTask(client, job.organisationId, job.taskId, status, status === 'pending' ? null : result.reason);
  return result;
}

/** What the guard stored for a message now `sending`, and the plain tokens behind its hashes. */
interface Guarded {
  rfcMessageId: string;
  inReplyTo: string | null;
  references: string | null;
  unsubscribeToken: string;
  pixelToken: string | null;
}

/** The email of a guarded message: tracking links, threading and unsubscribe headers. */
function prepared(deps: SendDeps, message: SendableMessage, mailbox: MailboxForSending, guard: Guarded): Prepared {
  const links = trackingUrls(deps.trackingBaseUrl, { pixel: guard.pixelToken, unsubscribe: guard.unsubscribeToken });
  const body = addTrackingAndUnsubscribe({ text: message.bodyText ?? '', html: message.bodyHtml ?? '' }, links);
  const email: OutgoingEmail = {
    from: { name: mailbox.fromName, address: mailbox.fromEmail },
    replyTo: mailbox.replyTo,
    to: message.toEmail ?? '',
    subject: message.subject ?? '',
    ...body,
    messageId: guard.rfcMessageId,
    inReplyTo: guard.inReplyTo,
    references: guard.references,
    unsubscribe: { url: links.unsubscribeUrl, mailto: mailbox.replyTo ?? mailbox.fromEmail },
  };
  return { message, mailbox, email };
}

/**
 * Checks the task and its message, then guards approved → sending: the common case in one
 * statement (`guardSend`), every other case in a transaction that settles the task.
 */
async function prepareSend(deps: SendDeps, job: Job): Promise<Prepared | SendResult> {
  const unsubscribeToken = generateTrackingToken();
  const pixelToken = generateTrackingToken();
  const fast = await sendStatements(deps.pool).guard({
    organisationId: job.organisationId,
    taskId: job.taskId,
    id: randomUUID(),
    unsubscribeTokenHash: hashTrackingToken(unsubscribeToken),
    pixelTokenHash: hashTrackingToken(pixelToken),
  });
  if (fast) {
    return prepared(deps, fast.message, fast.mailbox, {
      ...fast,
      unsubscribeToken,
      pixelToken: fast.message.openTracking ? pixelToken : null,
    });
  }
  return withTransaction(deps.pool, async (client) => {
    const work = await lockSendWork(client, job.organisationId, job.taskId);
    if (!work) {
      const task = await lockTask(client, job.organisationId, job.taskId);
      if (!task || task.status !== 'claimed' || task.kind !== 'send')
        return { outcome: 'skipped', reason: 'not_claimed' };
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'no message to send' });
    }
    if (work.taskStatus !== 'claimed' || work.taskKind !== 'send') return { outcome: 'skipped', reason: 'not_claimed' };
    const { message, mailbox, previous } = work;
    if (message.status === 'sent')
      return settle(client, job, 'done', { outcome: 'already_sent', reason: 'already sent' });
    if (message.status === 'sending') {
      // A previous delivery died between the guard and the end of the send: it may have left.
      const reason = 'interrupted during an earlier send attempt; not sent again to avoid a duplicate';
      await pauseAfterFailure(
        client,
        job.organisationId,
        message.enrollmentId,
        message.stepId,
        'advance',
        deps.clock(),
      );
      return settle(client, job, 'failed', { outcome: 'interrupted', reason });
    }
    if (message.status === 'draft')
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'not approved' });
    if (message.enrollmentState !== 'active') {
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: `enrollment ${message.enrollmentState}` });
    }
    if (!message.toEmail || work.suppressed) {
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'recipient suppressed' });
    }
    if (message.campaignStatus !== 'running') {
      return settle(client, job, 'pending', { outcome: 'deferred', reason: `campaign ${message.campaignStatus}` });
    }
    if (!mailbox) {
      await markSendFailed(client, job.organisationId, message.id, { status: 'failed', error: 'mailbox deleted' });
      await pauseAfterFailure(client, job.organisationId, message.enrollmentId, message.stepId, 'retry', deps.clock());
      return settle(client, job, 'failed', { outcome: 'skipped', reason: 'mailbox deleted' });
    }
    const guard: Guarded = {
      rfcMessageId: newMessageId(mailbox.fromEmail, randomUUID()),
      inReplyTo: previous?.messageId ?? null,
      references: previous ? [previous.references, previous.messageId].filter(Boolean).join(' ') : null,
      unsubscribeToken,
      pixelToken: message.openTracking ? pixelToken : null,
    };
    const guarded = await markSending(client, job.organisationId, message.id, {
      ...guard,
      unsubscribeTokenHash: hashTrackingToken(unsubscribeToken),
      pixelTokenHash: guard.pixelToken ? hashTrackingToken(guard.pixelToken) : null,
      taskId: job.taskId,
    });
    if (!guarded) return { outcome: 'skipped', reason: 'taken by another delivery' } as const;
    return prepared(deps, message, mailbox, guard);
  });
}

/**
 * Records a failed send. Unknown delivery stays `sending` (never re-sent) and pauses the
 * enrollment, which resumes at the next step; a permanent failure marks the message `failed` and
 * pauses the enrollment, which resumes with a new draft of the step; a transient one is retried.
 */
async function recordFailure(deps: SendDeps, job: Job, prepared: Prepared, error: MailSendError): Promise<SendResult> {
  const { message } = prepared;
  if (error.delivered === 'unknown') {
    await withTransaction(deps.pool, async (client) => {
      await settleTask(client, job.organisationId, job.taskId, 'failed', `delivery unknown: ${error.message}`);
      await pauseAfterFailure(
        client,
        job.organisationId,
        message.enrollmentId,
        message.stepId,
        'advance',
        deps.clock(),
      );
    });
    return { outcome: 'unknown_delivery', reason: error.code };
  }
  await withTransaction(deps.pool, async (client) => {
    await markSendFailed(client, job.organisationId, message.id, {
      status: error.permanent ? 'failed' : 'approved',
      error: error.message,
    });
    if (error.permanent) {
      await settleTask(client, job.organisationId, job.taskId, 'failed', error.message);
      await pauseAfterFailure(client, job.organisationId, message.enrollmentId, message.stepId, 'retry', deps.clock());
    }
  });
  throw error;
}

/**
 * Sends the approved message of a claimed send task at most once: the SQL guard
 * approved → sending commits before the SMTP/SES call, so a redelivered or concurrent job finds
 * `sending` or `sent` and does not send again. After sending: `sent`, then the next step's draft
 * task `delay_days` later or the enrollment finished. Transient failures throw MailSendError
 * after putting the message back to `approved` (the job is retried).
 */
export async function sendTask(deps: SendDeps, job: Job): Promise<SendResult> {
  const prepared = await prepareSend(deps, job);
  if (!('email' in prepared)) return prepared;
  try {
    await deps.transports.get(prepared.mailbox).send(prepared.email);
  } catch (error) {
    const failure =
      error instanceof MailSendError ? error : new MailSendError(String(error), false, 'no', 'transport_error');
    return recordFailure(deps, job, prepared, failure);
  }
  await recordSent(deps, job, prepared.message, deps.clock());
  return { outcome: 'sent', organisationId: job.organisationId, messageId: prepared.message.id };
}

const RECORD_SENT_DELAYS_MS = [100, 500, 2000, 5000];

/**
 * Records a send the server accepted: `sent`, task done, enrollment advanced. Retried on database
 * errors (pool exhausted, failover), since giving up leaves the message `sending`, which a
 * redelivered job must treat as interrupted.
 */
async function recordSent(deps: SendDeps, job: Job, message: SendableMessage, sentAt: Date): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sendStatements(deps.pool).recordSent({
        organisationId: job.organisationId,
        message,
        taskId: job.taskId,
        sentAt,
      });
      return;
    } catch (error) {
      const delay = RECORD_SENT_DELAYS_MS[attempt];
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }
}

/** After the last attempt of a job failed transiently: message and task failed, enrollment paused (resume retries). */
export async function giveUpSend(deps: SendDeps, job: Job, reason: string): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const task = await lockTask(client, job.organisationId, job.taskId);
    if (!task?.stepId || task.status !== 'claimed') return;
    const message = await lockSendableMessage(client, job.organisationId, task.enrollmentId, task.stepId);
    if (message && (message.status === 'approved' || message.status === 'queued')) {
      await markSendFailed(client, job.organisationId, message.id, { status: 'failed', error: reason });
      await pauseAfterFailure(client, job.organisationId, task.enrollmentId, task.stepId, 'retry', deps.clock());
    }
    await settleTask(client, job.organisationId, job.taskId, 'failed', reason);
  });
}
