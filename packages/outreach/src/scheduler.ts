import {
  claimTasks,
  countCampaignSends,
  countMailboxSends,
  deferTasks,
  lockDueTasks,
  lockSendScopes,
  reclaimStaleTasks,
  resumeExpiredPauses,
  settleTask,
  takeSendSlots,
  withTransaction,
  type DueTask,
  type Pool,
  type Queryable,
} from '@prospectflow/db';
import type { Clock } from './clock.js';
import { interleaveBy } from './interleave.js';
import {
  isWithinSendingWindow,
  nextSendingInstant,
  startOfLocalDay,
  startOfNextLocalDay,
  type SendingWindow,
} from './sending-window.js';

export interface SchedulerTickOptions {
  pool: Pool;
  clock: Clock;
  /** Tasks examined per tick. */
  batchSize: number;
  /** How long a claim holds before another scheduler may take the task back. */
  lockSeconds: number;
  workerId: string;
  /** Source of the mailbox gap jitter (tests pass a constant). */
  random?: () => number;
}

export interface SchedulerTickResult {
  claimed: number;
  deferred: number;
  reclaimed: number;
  /** Enrollments whose automatic pause (out-of-office) ended. */
  resumed: number;
}

const windowOf = (task: DueTask): SendingWindow => ({
  timezone: task.timezone,
  sendDays: task.sendDays,
  startHour: task.sendStartHour,
  endHour: task.sendEndHour,
});

interface SendPlan {
  allowed: DueTask[];
  deferrals: { id: string; until: Date }[];
}

/** Applies the sending window, the campaign and mailbox daily caps and the mailbox minimum gap. */
async function planSends(db: Queryable, sends: DueTask[], now: Date, random: () => number): Promise<SendPlan> {
  const deferrals: SendPlan['deferrals'] = [];
  const inWindow: DueTask[] = [];
  for (const task of sends) {
    if (isWithinSendingWindow(now, windowOf(task))) inWindow.push(task);
    else deferrals.push({ id: task.id, until: nextSendingInstant(now, windowOf(task)) });
  }
  if (inWindow.length === 0) return { allowed: [], deferrals };
  await lockSendScopes(db, [...inWindow.map((t) => t.campaignId), ...inWindow.map((t) => t.mailboxId!)]);
  const campaigns = [...new Map(inWindow.map((t) => [t.campaignId, t])).values()];
  const campaignCounts = await countCampaignSends(
    db,
    campaigns.map((t) => ({
      organisationId: t.organisationId,
      campaignId: t.campaignId,
      since: startOfLocalDay(now, t.timezone),
    })),
  );
  const mailboxes = [...new Map(inWindow.map((t) => [t.mailboxId!, t])).values()];
  const mailboxCounts = await countMailboxSends(
    db,
    mailboxes.map((t) => ({ organisationId: t.organisationId, mailboxId: t.mailboxId! })),
    new Date(now.getTime() - 86_400_000),
  );
  const allowed: DueTask[] = [];
  for (const task of inWindow) {
    const campaignUsed = campaignCounts.get(task.campaignId) ?? 0;
    const mailbox = mailboxCounts.get(task.mailboxId!) ?? { count: 0, lastAt: null };
    const gapMs = (task.minGapSeconds ?? 0) * 1000 * (1 + 0.25 * random());
    if (campaignUsed >= task.campaignDailyCap) {
      const tomorrow = startOfNextLocalDay(now, task.timezone);
      deferrals.push({ id: task.id, until: nextSendingInstant(tomorrow, windowOf(task)) });
    } else if (mailbox.count >= (task.mailboxDailyCap ?? Infinity)) {
      deferrals.push({ id: task.id, until: new Date(now.getTime() + 3_600_000) });
    } else if (gapMs > 0 && mailbox.lastAt !== null && mailbox.lastAt.getTime() + gapMs > now.getTime()) {
      deferrals.push({ id: task.id, until: new Date(mailbox.lastAt.getTime() + gapMs) });
    } else {
      allowed.push(task);
      campaignCounts.set(task.campaignId, campaignUsed + 1);
      mailboxCounts.set(task.mailboxId!, { count: mailbox.count + 1, lastAt: gapMs > 0 ? now : mailbox.lastAt });
    }
  }
  return { allowed, deferrals };
}

/**
 * One scheduler pass in one transaction: takes back expired claims, resumes enrollments whose
 * automatic pause ended, locks due tasks
 * (FOR UPDATE SKIP LOCKED, so several workers share the work), claims drafts and the sends the
 * window and caps allow, postpones the others, and writes the outbox rows for the claimed ones.
 */
export async function runSchedulerTick(options: SchedulerTickOptions): Promise<SchedulerTickResult> {
  const now = options.clock();
  return withTransaction(options.pool, async (client) => {
    const reclaimed = await reclaimStaleTasks(client, now);
    const resumed = await resumeExpiredPauses(client, now);
    const due = await lockDueTasks(client, now, options.batchSize);
    const drafts = due.filter((t) => t.kind === 'draft');
    // A send task taken back after its claim expired may find its message `sending` (the worker
    // died mid-send) or `sent`: the send job settles those (interrupted: failed and the enrollment
    // paused; sent: done), without a new slot. With no such message (rejected, failed, none) there
    // is nothing to do.
    const settling = due.filter(
      (t) => t.kind === 'send' && (t.messageStatus === 'sending' || t.messageStatus === 'sent'),
    );
    const orphans = due.filter((t) => t.kind === 'send' && t.mailboxId === null && !settling.includes(t));
    for (const task of orphans)
      await settleTask(client, task.organisationId, task.id, 'cancelled', 'no approved message');
    const sends = due.filter((t) => t.kind === 'send' && t.mailboxId !== null);
    const plan = await planSends(client, sends, now, options.random ?? Math.random);
    // Queue order = processing order: round-robin across mailboxes (drafts: campaigns, whose sends
    // follow in the same order), so the send consumer's jobs in flight use every mailbox's SMTP
    // connections instead of queueing behind one mailbox while the others idle.
    const claimed = interleaveBy(
      [...drafts, ...settling, ...plan.allowed],
      (t) => t.mailboxId ?? `campaign:${t.campaignId}`,
    );
    await claimTasks(client, claimed, {
      workerId: options.workerId,
      lockedUntil: new Date(now.getTime() + options.lockSeconds * 1000),
    });
    await takeSendSlots(
      client,
      plan.allowed.map((t) => ({
        organisationId: t.organisationId,
        campaignId: t.campaignId,
        dayStart: startOfLocalDay(now, t.timezone),
        mailboxId: t.mailboxId!,
      })),
      now,
    );
    await deferTasks(client, plan.deferrals);
    return { claimed: claimed.length, deferred: plan.deferrals.length, reclaimed, resumed };
  });
}
