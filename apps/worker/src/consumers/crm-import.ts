import { CRM_IMPORT_QUEUE, ImportJob } from '@prospectflow/contracts';
import { ImportMovedOnError, InvalidCsvError, failImport, processImport } from '@prospectflow/crm';
import type { Pool } from '@prospectflow/db';
import { TerminalError, type ConnectionManager, type Consumer } from '@prospectflow/messaging';
import type { Logger } from '@prospectflow/observability';
import type { WorkerMetrics } from '../metrics.js';

export interface ImportConsumerDeps {
  broker: ConnectionManager;
  pool: Pool;
  logger: Logger;
  metrics: WorkerMetrics;
  batchSize: number;
  /** Imports processed at once by this worker. */
  concurrency: number;
  /** Aborted at shutdown: a running import stops after its current batch and resumes on redelivery. */
  signal: AbortSignal;
}

/**
 * `crm.import`: processes a CSV import. An unreadable file fails the import and dead-letters the
 * job; any other error is retried (the import resumes from its last committed batch), and the
 * import is marked failed when the last attempt fails for a reason of its own.
 */
export function consumeImports(deps: ImportConsumerDeps): Promise<Consumer> {
  const { pool, logger: log } = deps;
  return deps.broker.consume(
    CRM_IMPORT_QUEUE,
    async (job, context) => {
      try {
        const result = await processImport(pool, job, { batchSize: deps.batchSize, signal: deps.signal });
        log.info({ ...job, ...result, attempt: context.attempt }, 'csv import processed');
      } catch (error) {
        if (error instanceof InvalidCsvError) {
          await failImport(pool, job, error.message);
          throw new TerminalError(error.message, { code: 'invalid_csv', cause: error });
        }
        // Not a failure of the import: another delivery is processing it, or this worker is stopping.
        const handedOver = error instanceof ImportMovedOnError || deps.signal.aborted;
        if (!handedOver && context.attempt >= context.maxDeliveries) {
          log.error({ ...job, err: error, attempt: context.attempt }, 'csv import given up');
          await failImport(pool, job, 'The import stopped after repeated errors; the rows already imported are kept');
        }
        throw error;
      }
    },
    {
      schema: ImportJob,
      prefetch: deps.concurrency,
      onOutcome: ({ queue, outcome, durationMs }) => {
        deps.metrics.jobsProcessed.inc({ queue, outcome });
        deps.metrics.jobDuration.observe({ queue }, durationMs / 1000);
      },
    },
  );
}
