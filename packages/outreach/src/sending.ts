import { randomUUID } from 'node:crypto';
import {
  advanceEnrollment,
  countTaskAttempt,
  getMailboxForSending,
  isSuppressed,
  lastSentHeaders,
  lockSendableMessage,
  lockTask,
  markSendFailed,
  markSending,
  markSent,
  settleTask,
  withTransaction,
  type MailboxForSending,
  type Pool,
  type Queryable,
  type SendableMessage,
} from '@prospectflow/db';
import type { Clock } from './clock.js';
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

/** In one transaction: checks the task and its message, then guards approved → sending. */
async function prepareSend(deps: SendDeps, job: Job): Promise<Prepared | SendResult> {
  return withTransaction(deps.pool, async (client) => {
    const task = await lockTask(client, job.organisationId, job.taskId);
    if (!task || task.status !== 'claimed' || task.kind !== 'send' || !task.stepId) {
      return { outcome: 'skipped', reason: 'not_claimed' } as const;
    }
    const message = await lockSendableMessage(client, job.organisationId, task.enrollmentId, task.stepId);
    if (!message) return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'no message to send' });
    if (message.status === 'sent')
      return settle(client, job, 'done', { outcome: 'already_sent', reason: 'already sent' });
    if (message.status === 'sending') {
      // A previous delivery died between the guard and the end of the send: it may have left.
      const reason = 'interrupted during an earlier send attempt; not sent again to avoid a duplicate';
      return settle(client, job, 'failed', { outcome: 'interrupted', reason });
    }
    if (message.status === 'draft')
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'not approved' });
    if (message.enrollmentState !== 'active') {
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: `enrollment ${message.enrollmentState}` });
    }
    if (!message.toEmail || (await isSuppressed(client, job.organisationId, message.toEmail))) {
      return settle(client, job, 'cancelled', { outcome: 'skipped', reason: 'recipient suppressed' });
    }
    if (message.campaignStatus !== 'running') {
      return settle(client, job, 'pending', { outcome: 'deferred', reason: `campaign ${message.campaignStatus}` });
    }
    const mailbox = message.mailboxId
      ? await getMailboxForSending(client, job.organisationId, message.mailboxId)
      : null;
    if (!mailbox) return settle(client, job, 'failed', { outcome: 'skipped', reason: 'mailbox deleted' });
    const previous = await lastSentHeaders(client, job.organisationId, message.enrollmentId);
    const unsubscribeToken = generateTrackingToken();
    const pixelToken = message.openTracking ? generateTrackingToken() : null;
    const rfcMessageId = newMessageId(mailbox.fromEmail, randomUUID());
    const references = previous ? [previous.references, previous.messageId].filter(Boolean).join(' ') : null;
    const guarded = await markSending(client, job.organisationId, message.id, {
      rfcMessageId,
      inReplyTo: previous?.messageId ?? null,
      references,
      unsubscribeTokenHash: hashTrackingToken(unsubscribeToken),
      pixelTokenHash: pixelToken ? hashTrackingToken(pixelToken) : null,
    });
    if (!guarded) return { outcome: 'skipped', reason: 'taken by another delivery' } as const;
    await countTaskAttempt(client, job.organisationId, job.taskId);
    const links = trackingUrls(deps.trackingBaseUrl, { pixel: pixelToken, unsubscribe: unsubscribeToken });
    const body = addTrackingAndUnsubscribe({ text: message.bodyText ?? '', html: message.bodyHtml ?? '' }, links);
    const email: OutgoingEmail = {
      from: { name: mailbox.fromName, address: mailbox.fromEmail },
      replyTo: mailbox.replyTo,
      to: message.toEmail,
      subject: message.subject ?? '',
      ...body,
      messageId: rfcMessageId,
      inReplyTo: previous?.messageId ?? null,
      references,
      unsubscribe: { url: links.unsubscribeUrl, mailto: mailbox.replyTo ?? mailbox.fromEmail },
    };
    return { message, mailbox, email };
  });
}

/** Records a failed send: unknown delivery stays `sending` (never re-sent), otherwise retry or fail. */
async function recordFailure(deps: SendDeps, job: Job, prepared: Prepared, error: MailSendError): Promise<SendResult> {
  const { message } = prepared;
  if (error.delivered === 'unknown') {
    await settleTask(deps.pool, job.organisationId, job.taskId, 'failed', `delivery unknown: ${error.message}`);
    return { outcome: 'unknown_delivery', reason: error.code };
  }
  await withTransaction(deps.pool, async (client) => {
    await markSendFailed(client, job.organisationId, message.id, {
      status: error.permanent ? 'failed' : 'approved',
      error: error.message,
    });
    if (error.permanent) await settleTask(client, job.organisationId, job.taskId, 'failed', error.message);
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
  const sentAt = deps.clock();
  await withTransaction(deps.pool, async (client) => {
    await markSent(client, job.organisationId, prepared.message.id, sentAt);
    await settleTask(client, job.organisationId, job.taskId, 'done');
    await advanceEnrollment(client, job.organisationId, prepared.message.enrollmentId, prepared.message.stepId, sentAt);
  });
  return { outcome: 'sent', organisationId: job.organisationId, messageId: prepared.message.id };
}

/** After the last attempt of a job failed transiently: the message and task are marked failed. */
export async function giveUpSend(deps: SendDeps, job: Job, reason: string): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const task = await lockTask(client, job.organisationId, job.taskId);
    if (!task?.stepId || task.status !== 'claimed') return;
    const message = await lockSendableMessage(client, job.organisationId, task.enrollmentId, task.stepId);
    if (message && (message.status === 'approved' || message.status === 'queued')) {
      await markSendFailed(client, job.organisationId, message.id, { status: 'failed', error: reason });
    }
    await settleTask(client, job.organisationId, job.taskId, 'failed', reason);
  });
}
