import express from 'express';
import { errorHandler, healthRoutes, httpMetrics, notFoundHandler, requestLogger } from '@prospectflow/http';
import type { Logger, Metrics, ReadinessCheck } from '@prospectflow/observability';

/** The worker's small HTTP surface: `/health`, `/ready` and `/metrics`, nothing else. */
export function createWorkerHttp(deps: { logger: Logger; metrics: Metrics; readinessChecks: ReadinessCheck[] }) {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(healthRoutes(deps));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
