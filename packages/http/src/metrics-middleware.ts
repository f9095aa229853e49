import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '@prospectflow/observability';

/** The matched route template (`/api/v1/prospects/:id`), never the raw path with ids. */
export function routeTemplateOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (typeof route?.path === 'string') return `${req.baseUrl}${route.path}`;
  return 'unmatched';
}

/** Observes `http_request_duration_seconds` when the response finishes. */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      end({ method: req.method, route: routeTemplateOf(req), status: String(res.statusCode) });
    });
    next();
  };
}
