import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per process with default metrics and the metrics every service shares. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const dbQueryDuration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Postgres query duration by query name',
    labelNames: ['query', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const readinessFailures = new Counter({
    name: 'readiness_check_failures_total',
    help: 'Readiness checks that found a dependency down',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, dbQueryDuration, readinessFailures };
}

export type Metrics = ReturnType<typeof createMetrics>;
