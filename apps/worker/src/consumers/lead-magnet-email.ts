import { LEAD_MAGNET_EMAIL_ROUTING_KEY, LeadMagnetEmailJob, ValidationError } from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import { deliverEmailJob, EmailJobBusyError, type SendEmail } from '@prospectflow/lead-magnet';
import { RetryableError, TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import type { WorkerMetrics } from '../metrics.js';

export interface LeadMagnetEmailConsumerDeps {
  broker: ConnectionManager;
  pool: Pool;
  sendEmail: SendEmail;
  /** Public origin of the web app; the emailed links point at its /api/lead-magnet/* routes. */
  publicBaseUrl: string;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Emails sent at once by this worker. */
  concurrency: number;
}

/**
 * `lead-magnet.email`: sends one double opt-in or download email (doc/LEAD-MAGNET.md). Sent,
 * skipped, already sent and erased jobs are acked; a job leased by another delivery and any SES
 * failure are retried with back-off; an invalid payload is dead-lettered.
 */
export function consumeLeadMagnetEmails(deps: LeadMagnetEmailConsumerDeps): Promise<Consumer> {
  const { pool, sendEmail, publicBaseUrl, logger: log, metrics } = deps;
  return deps.broker.consume(
    LEAD_MAGNET_EMAIL_ROUTING_KEY,
    async (job, context) => {
      const count = (outcome: string) => metrics.leadMagnetEmails.inc({ kind: job.kind, outcome });
      try {
        const outcome = await deliverEmailJob({ pool, sendEmail, publicBaseUrl }, job);
        count(outcome);
      } catch (error) {
        if (error instanceof ValidationError)
          throw new TerminalError(error.message, { code: error.code, cause: error });
        if (error instanceof EmailJobBusyError) {
          count('busy');
          throw new RetryableError('email job leased by another delivery', { code: error.code });
        }
        count('failed');
        // Only the error's name: provider messages may quote addresses, which stay out of logs and headers.
        const name = error instanceof Error ? error.name : 'UnknownError';
        log.warn({ jobId: job.jobId, kind: job.kind, attempt: context.attempt, err: name }, 'lead-magnet email failed');
        throw new RetryableError(`email send failed (${name})`, { code: 'email_send_failed', cause: error });
      }
    },
    {
      schema: LeadMagnetEmailJob,
      prefetch: deps.concurrency,
      onOutcome: ({ queue, outcome, durationMs }) => {
        metrics.jobsProcessed.inc({ queue, outcome });
        metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
