import type { ReadyResponse } from '@prospectflow/contracts';
import { pingDatabase } from '@prospectflow/db';
import { pingBroker } from '@prospectflow/messaging/ping';
import { checkReadiness } from '@prospectflow/observability';
import { pingRedis } from '@prospectflow/redis';

/** Readiness: Postgres, RabbitMQ and Redis all answer; 503 names the ones that do not. */
export default defineEventHandler(async (event): Promise<ReadyResponse> => {
  const { config, metrics, pool, redis } = useServices(event);
  const report = await checkReadiness(
    [
      { name: 'postgres', check: () => pingDatabase(pool) },
      { name: 'rabbitmq', check: () => pingBroker(config.RABBITMQ_URL) },
      { name: 'redis', check: () => pingRedis(redis) },
    ],
    (dependency) => metrics.readinessFailures.inc({ dependency }),
  );
  setResponseHeader(event, 'cache-control', 'no-store');
  setResponseStatus(event, report.status === 'ready' ? 200 : 503);
  return report;
});
