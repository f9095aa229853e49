import { OUTREACH_DRAFT_QUEUE, OutreachTaskJob } from '@prospectflow/contracts';
import { RetryableError, TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import {
  DraftError,
  LlmRetryableError,
  LlmTerminalError,
  draftTask,
  failDraftTask,
  type DraftDeps,
} from '@prospectflow/outreach';
import type { WorkerMetrics } from '../metrics.js';

export interface DraftConsumerDeps extends DraftDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
  /** Called after a draft was stored approved (its send task is then due). */
  onApproved?: () => void;
}

/**
 * `outreach.draft`: drafts the email of a claimed task. Missing content and LLM 4xx fail the task
 * and dead-letter the job; LLM 429/5xx/timeouts are retried with the queue's back-off, and the
 * task fails when the last attempt does. A failed task pauses its enrollment (resume drafts
 * again). A redelivered job finds the task done and is a no-op.
 */
export function consumeOutreachDrafts(deps: DraftConsumerDeps): Promise<Consumer> {
  const { logger: log } = deps;
  return deps.broker.consume(
    OUTREACH_DRAFT_QUEUE,
    async (job, context) => {
      try {
        const result = await draftTask(deps, job);
        if (result.outcome === 'drafted' && result.messageId) {
          deps.metrics.draftsGenerated.inc({ organisation_id: job.organisationId, status: result.status });
          if (result.status === 'approved') deps.onApproved?.();
        }
        log.info({ ...job, ...result, attempt: context.attempt }, 'outreach draft handled');
      } catch (error) {
        const terminal = error instanceof DraftError || error instanceof LlmTerminalError;
        if (terminal || context.attempt >= context.maxDeliveries) {
          await failDraftTask(deps, job, String((error as Error).message));
        }
        if (terminal) throw new TerminalError((error as Error).message, { code: 'draft_failed', cause: error });
        if (error instanceof LlmRetryableError) throw new RetryableError(error.message, { code: 'llm_unavailable' });
        throw error;
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
