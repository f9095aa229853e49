import { OUTREACH_SEND_QUEUE, OutreachTaskJob } from '@prospectflow/contracts';
import { RetryableError, TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import { MailSendError, giveUpSend, sendTask, type SendDeps } from '@prospectflow/outreach';
import type { WorkerMetrics } from '../metrics.js';

export interface SendConsumerDeps extends SendDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
}

/**
 * `outreach.send`: sends the approved message of a claimed task, at most once (see sendTask).
 * 5xx and bad credentials dead-letter the job; 4xx and connection errors are retried, and the
 * message fails when the last attempt does.
 */
export function consumeOutreachSends(deps: SendConsumerDeps): Promise<Consumer> {
  const { logger: log } = deps;
  return deps.broker.consume(
    OUTREACH_SEND_QUEUE,
    async (job, context) => {
      try {
        const result = await sendTask(deps, job);
        if (result.outcome === 'sent') deps.metrics.emailsSent.inc({ organisation_id: job.organisationId });
        const uncertain = result.outcome === 'interrupted' || result.outcome === 'unknown_delivery';
        if (uncertain) deps.metrics.emailsUncertain.inc({ outcome: result.outcome });
        const level = uncertain ? 'warn' : 'info';
        log[level]({ ...job, outcome: result.outcome, attempt: context.attempt }, 'outreach send handled');
      } catch (error) {
        if (!(error instanceof MailSendError)) throw error;
        if (error.permanent) throw new TerminalError(error.message, { code: error.code, cause: error });
        if (context.attempt >= context.maxDeliveries) await giveUpSend(deps, job, error.message);
        throw new RetryableError(error.message, { code: error.code, cause: error });
      }
    },
    {
      schema: OutreachTaskJob,
      prefetch: deps.concurrency,
      onOutcome: ({ queue, outcome, durationMs }) => {
        deps.metrics.jobsProcessed.inc({ queue, outcome });
        deps.metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
