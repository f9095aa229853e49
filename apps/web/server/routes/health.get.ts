import { createMetrics } from '@prospectflow/observability';
import { pingDatabase } from '@prospectflow/db';
import { pingRedis } from '@prospectflow/redis';
import { pingBroker } from '@prospectflow/messaging/ping';
import { loadEnv, BaseEnv } from '@prospectflow/config';

export default defineEventHandler(() => ({ status: 'ok', t: [typeof createMetrics, typeof pingDatabase, typeof pingRedis, typeof pingBroker, typeof loadEnv, typeof BaseEnv] }));
