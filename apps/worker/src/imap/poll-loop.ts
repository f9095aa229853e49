import { setTimeout as sleep } from 'node:timers/promises';
import { listImapMailboxes, type ImapMailbox, type Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import type { ImapPollResult } from '@prospectflow/outreach';

export interface ImapPollLoopOptions {
  pool: Pool;
  /** Polls one mailbox (pollImapMailbox with its deps bound); null when another process holds it. */
  poll: (mailbox: { organisationId: string; id: string }) => Promise<ImapPollResult | null>;
  logger: Logger;
  /** Wait between two polls of one mailbox. */
  intervalMs: number;
  /** Mailboxes polled at once by this process (each holds one database connection meanwhile). */
  concurrency: number;
  /** Longest wait after repeated failures of one mailbox. */
  maxBackoffMs: number;
  /** False while polling would fail anyway (broker not connected yet): the loop waits, no back-off. */
  ready?: () => boolean;
  onPublished?: (organisationId: string, count: number) => void;
  onFailed?: (organisationId: string) => void;
}

interface MailboxSchedule {
  dueAt: number;
  failures: number;
  /** The settings that failed: an edit (new password, host…) makes the mailbox due at once. */
  failedSettings?: string;
}

const settingsOf = (m: ImapMailbox) => JSON.stringify([m.host, m.port, m.secure, m.user, m.passwordEncrypted]);

/**
 * Polls every mailbox with IMAP settings every `intervalMs` (again at once while one has more
 * waiting), at most `concurrency` at a time, each on its own schedule so a slow or failing server
 * never delays the others; a failing mailbox waits twice as long after each failure.
 */
export function startImapPolling(options: ImapPollLoopOptions): { stop: () => Promise<void> } {
  const controller = new AbortController();
  const schedules = new Map<string, MailboxSchedule>();
  const running = new Map<string, Promise<void>>();
  const tickMs = Math.min(options.intervalMs, 1000);
  const loop = (async () => {
    while (!controller.signal.aborted) {
      if (!options.ready || options.ready()) {
        try {
          const mailboxes = await listImapMailboxes(options.pool);
          forgetRemoved(schedules, mailboxes);
          for (const mailbox of dueMailboxes(mailboxes, schedules, running)) {
            if (running.size >= options.concurrency || controller.signal.aborted) break;
            const polling = pollOne(options, schedules, mailbox).finally(() => running.delete(mailbox.id));
            running.set(mailbox.id, polling);
          }
        } catch (error) {
          options.logger.error({ err: error }, 'imap mailbox listing failed');
        }
      }
      await sleep(tickMs, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
      await Promise.all(running.values());
    },
  };
}

function dueMailboxes(
  mailboxes: ImapMailbox[],
  schedules: Map<string, MailboxSchedule>,
  running: Map<string, unknown>,
) {
  const now = Date.now();
  const dueAt = (m: ImapMailbox) => {
    const schedule = schedules.get(m.id);
    if (!schedule) return 0;
    return schedule.failedSettings && schedule.failedSettings !== settingsOf(m) ? 0 : schedule.dueAt;
  };
  return mailboxes.filter((m) => !running.has(m.id) && dueAt(m) <= now).sort((a, b) => dueAt(a) - dueAt(b));
}

async function pollOne(options: ImapPollLoopOptions, schedules: Map<string, MailboxSchedule>, mailbox: ImapMailbox) {
  const context = { mailboxId: mailbox.id, organisationId: mailbox.organisationId, host: mailbox.host };
  const started = Date.now();
  try {
    const result = await options.poll(mailbox);
    schedules.set(mailbox.id, { dueAt: result?.more ? 0 : Date.now() + options.intervalMs, failures: 0 });
    if (result?.published) options.onPublished?.(mailbox.organisationId, result.published);
    if (result && (result.published || result.skipped)) {
      options.logger.info({ ...context, ...result, durationMs: Date.now() - started }, 'imap messages published');
    }
  } catch (error) {
    const previous = schedules.get(mailbox.id);
    const failures = previous?.failedSettings === settingsOf(mailbox) ? previous.failures + 1 : 1;
    const retryInMs = Math.min(options.intervalMs * 2 ** failures, options.maxBackoffMs);
    schedules.set(mailbox.id, { dueAt: Date.now() + retryInMs, failures, failedSettings: settingsOf(mailbox) });
    options.onFailed?.(mailbox.organisationId);
    options.logger.warn({ ...context, ...describeError(error), failures, retryInMs }, 'imap poll failed');
  }
}

/**
 * The fields of an IMAP, socket or configuration error that are safe to log. Never the error
 * itself: imapflow errors may carry the executed command, which for LOGIN includes the password.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { reason: String(error) };
  const fields = error as Error & { code?: unknown; responseText?: unknown; authenticationFailed?: unknown };
  return {
    error: error.name,
    code: typeof fields.code === 'string' ? fields.code : undefined,
    reason: typeof fields.responseText === 'string' ? fields.responseText : error.message,
    authenticationFailed: fields.authenticationFailed === true || undefined,
  };
}

function forgetRemoved(schedules: Map<string, MailboxSchedule>, mailboxes: ImapMailbox[]) {
  const ids = new Set(mailboxes.map((m) => m.id));
  for (const id of schedules.keys()) if (!ids.has(id)) schedules.delete(id);
}
