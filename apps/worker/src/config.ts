import { z } from 'zod';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';

const WorkerEnv = BaseEnv.extend(ServicesEnv.shape).extend({
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  WORKER_HOST: z.string().default('0.0.0.0'),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  CRM_IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  CRM_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(2),
});

export type WorkerConfig = z.infer<typeof WorkerEnv>;

/** Parses the worker's environment once; throws ConfigError listing every bad variable. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadEnv(WorkerEnv, { env });
}
