import pLimit from 'p-limit';
import { OUTREACH_SEND_QUEUE, OUTREACH_TASKS_PER_JOB, OutreachTaskJob } from '@prospectflow/contracts';
import { RetryableError, TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import { MailSendError, giveUpSend, sendTask, type SendDeps } from '@prospectflow/outreach';
import type { WorkerMetrics } from '../metrics.js';
import { prefetchFor, runTasks } from './task-batch.js';

export interface SendConsumerDeps extends SendDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Sends in flight at once, across jobs. */
  concurrency: number;
}

/**
 * `outreach.send`: sends the approved message of each claimed task of the job, at most once (see
 * sendTask). A 5xx or bad credentials fail that message for good (recorded, enrollment paused);
 * 4xx and connection errors are retried: the job goes back with back-off and its redelivery skips
 * the tasks already settled, so only those sends are tried again; the last attempt fails them.
 * A job whose only failures are permanent is dead-lettered, as a one-task job always was.
 */
export function consumeOutreachSends(deps: SendConsumerDeps): Promise<Consumer> {
  const { logger: log } = deps;
  const limit = pLimit(deps.concurrency);
  return deps.broker.consume(
    OUTREACH_SEND_QUEUE,
    async (job, context) => {
      const outcomes = await runTasks(limit, job.taskIds, context.signal, (taskId) =>
        sendTask(deps, { organisationId: job.organisationId, taskId }),
      );
      const transient: { taskId: string; error: MailSendError }[] = [];
      const permanent: MailSendError[] = [];
      for (const outcome of outcomes) {
        const task = { organisationId: job.organisationId, taskId: outcome.taskId };
        if ('notStarted' in outcome) continue;
        if ('result' in outcome) {
          const { result } = outcome;
          if (result.outcome === 'sent') deps.metrics.emailsSent.inc({ organisation_id: job.organisationId });
          const uncertain = result.outcome === 'interrupted' || result.outcome === 'unknown_delivery';
          if (uncertain) deps.metrics.emailsUncertain.inc({ outcome: result.outcome });
          log[uncertain ? 'warn' : 'info']({ ...task, ...result, attempt: context.attempt }, 'outreach send handled');
        } else if (!(outcome.error instanceof MailSendError)) {
          throw outcome.error;
        } else if (outcome.error.permanent) {
          permanent.push(outcome.error);
        } else {
          transient.push({ taskId: outcome.taskId, error: outcome.error });
        }
      }
      if (transient.length > 0) {
        if (context.attempt >= context.maxDeliveries) {
          for (const { taskId, error } of transient)
            await giveUpSend(deps, { organisationId: job.organisationId, taskId }, error.message);
        }
        const first = transient[0]!.error;
        throw new RetryableError(first.message, { code: first.code, cause: first });
      }
      if (outcomes.some((o) => 'notStarted' in o))
        throw new RetryableError('the broker connection closed before every task started', { code: 'interrupted' });
      if (permanent.length > 0) {
        throw new TerminalError(permanent[0]!.message, { code: permanent[0]!.code, cause: permanent[0] });
      }
    },
    {
      schema: OutreachTaskJob,
      prefetch: prefetchFor(deps.concurrency, OUTREACH_TASKS_PER_JOB),
      onOutcome: ({ queue, outcome, durationMs }) => {
        deps.metrics.jobsProcessed.inc({ queue, outcome });
        deps.metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
