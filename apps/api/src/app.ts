import express, { type Router } from 'express';
import helmet from 'helmet';
import type { Logger, Metrics, ReadinessCheck } from '@prospectflow/observability';
import { errorHandler, healthRoutes, httpMetrics, notFoundHandler, requestLogger } from '@prospectflow/http';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  bodyLimit?: string;
  trustProxy?: boolean | number | string;
  /** Domain routers mounted after the health routes. */
  routers?: Router[];
}

/** Composes the Express application; no I/O happens here, so tests build it with their own deps. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  app.use(requestLogger(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(helmet());
  app.use(express.json({ limit: deps.bodyLimit ?? '100kb' }));
  app.use(healthRoutes(deps));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
