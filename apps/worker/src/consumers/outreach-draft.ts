import pLimit from 'p-limit';
import { OUTREACH_DRAFT_QUEUE, OUTREACH_TASKS_PER_JOB, OutreachTaskJob } from '@prospectflow/contracts';
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
import { prefetchFor, runTasks } from './task-batch.js';

export interface DraftConsumerDeps extends DraftDeps {
  broker: ConnectionManager;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Drafts in flight at once, across jobs (LLM calls included). */
  concurrency: number;
  /** Called after a draft was stored approved (its send task is then due). */
  onApproved?: () => void;
}

/**
 * `outreach.draft`: drafts the email of each claimed task of the job. Missing content and LLM 4xx
 * fail that task for good; LLM 429/5xx/timeouts and other errors send the job back with the
 * queue's back-off, and its redelivery skips the tasks already drafted; the last attempt fails the
 * rest. A failed task pauses its enrollment (resume drafts again). A job whose only failures are
 * terminal is dead-lettered, as a one-task job always was.
 */
export function consumeOutreachDrafts(deps: DraftConsumerDeps): Promise<Consumer> {
  const { logger: log } = deps;
  const limit = pLimit(deps.concurrency);
  return deps.broker.consume(
    OUTREACH_DRAFT_QUEUE,
    async (job, context) => {
      const outcomes = await runTasks(limit, job.taskIds, context.signal, (taskId) =>
        draftTask(deps, { organisationId: job.organisationId, taskId }),
      );
      let terminal: Error | undefined;
      let retryable: unknown;
      for (const outcome of outcomes) {
        const task = { organisationId: job.organisationId, taskId: outcome.taskId };
        if ('notStarted' in outcome) continue;
        if ('result' in outcome) {
          const { result } = outcome;
          if (result.outcome === 'drafted' && result.messageId) {
            deps.metrics.draftsGenerated.inc({ organisation_id: job.organisationId, status: result.status });
            if (result.status === 'approved') deps.onApproved?.();
          }
          log.info({ ...task, ...result, attempt: context.attempt }, 'outreach draft handled');
          continue;
        }
        const error = outcome.error as Error;
        const isTerminal = error instanceof DraftError || error instanceof LlmTerminalError;
        if (isTerminal || context.attempt >= context.maxDeliveries)
          await failDraftTask(deps, task, String(error.message));
        if (isTerminal) terminal ??= error;
        else retryable ??= error;
      }
      if (retryable !== undefined) {
        if (retryable instanceof LlmRetryableError)
          throw new RetryableError(retryable.message, { code: 'llm_unavailable' });
        throw retryable;
      }
      if (outcomes.some((o) => 'notStarted' in o))
        throw new RetryableError('the broker connection closed before every task started', { code: 'interrupted' });
      if (terminal) throw new TerminalError(terminal.message, { code: 'draft_failed', cause: terminal });
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
