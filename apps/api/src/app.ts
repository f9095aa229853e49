import cors from 'cors';
import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { errorHandler, healthRoutes, httpMetrics, notFoundHandler, requestLogger } from '@prospectflow/http';
import type { Logger, Metrics, ReadinessCheck } from '@prospectflow/observability';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  /** JSON body limit for ordinary routes (413 beyond). */
  bodyLimit?: string;
  /** Larger JSON body limit for `POST /api/v1/ingest`. */
  ingestBodyLimit?: string;
  trustProxy?: boolean | number | string;
  /** Browser origins allowed by CORS; others get no CORS headers. */
  corsOrigins?: string[];
  /** Run after body parsing and before every route (authentication, rate limits). */
  middleware?: RequestHandler[];
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
  app.use(
    cors({
      origin: deps.corsOrigins ?? [],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Organisation-Id', 'X-Request-Id', 'Idempotency-Key'],
      exposedHeaders: ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
      maxAge: 600,
    }),
  );
  app.use('/api/v1/ingest', express.json({ limit: deps.ingestBodyLimit ?? '25mb' }));
  app.use(express.json({ limit: deps.bodyLimit ?? '100kb' }));
  for (const middleware of deps.middleware ?? []) app.use(middleware);
  app.use(healthRoutes(deps));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
