import { WEBHOOKS_DELIVER_QUEUE, WebhookDeliveryJob } from '@prospectflow/contracts';
import { RetryableError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import { deliverWebhook, type WebhookDeliveryDeps } from '@prospectflow/outreach';
import type { WorkerMetrics } from '../metrics.js';

export interface WebhookConsumerDeps extends WebhookDeliveryDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
}

/**
 * `webhooks.deliver`: one signed POST per job (doc/OUTREACH.md "Outbound webhooks"). 429, 5xx and
 * network failures go back through the retry queues; after the last one the delivery is failed
 * and the job dead-lettered. Other answers settle the delivery and ack; a settled delivery is never re-sent.
 */
export function consumeWebhookDeliveries(deps: WebhookConsumerDeps): Promise<Consumer> {
  const { logger: log, metrics } = deps;
  return deps.broker.consume(
    WEBHOOKS_DELIVER_QUEUE,
    async (job, context) => {
      const result = await deliverWebhook(deps, job, { finalAttempt: context.attempt >= context.maxDeliveries });
      metrics.webhookDeliveries.inc({ organisation_id: job.organisationId, outcome: result.outcome });
      if (result.durationMs !== undefined) {
        metrics.webhookRequestDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
      }
      const fields = { ...job, outcome: result.outcome, httpStatus: result.httpStatus, attempt: context.attempt };
      const failed = result.outcome === 'retry' || result.outcome === 'exhausted' || result.outcome === 'rejected';
      log[failed ? 'warn' : 'info']({ ...fields, error: result.error }, 'webhook delivery handled');
      if (result.outcome === 'retry' || result.outcome === 'exhausted' || result.outcome === 'busy') {
        throw new RetryableError(result.error ?? 'an attempt of this delivery is in flight', {
          code: `webhook_${result.outcome}`,
        });
      }
    },
    {
      schema: WebhookDeliveryJob,
      prefetch: deps.concurrency,
      onOutcome: ({ queue, outcome, durationMs }) => {
        metrics.jobsProcessed.inc({ queue, outcome });
        metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
