import type { NextFunction, Request, Response } from 'express';
import { RateLimitedError } from '@prospectflow/contracts';
import { Counter, type Logger, type Metrics } from '@prospectflow/observability';
import { FailOpenRateLimiter, type RateRule, type Redis } from '@prospectflow/redis';

export interface RateLimitRules {
  probes: RateRule;
  ingest: RateRule;
  read: RateRule;
  create: RateRule;
  update: RateRule;
  delete: RateRule;
  default: RateRule;
}

type RuleName = keyof RateLimitRules;

/** Which bucket a request counts against (doc/RATE-LIMITS.md). */
export function ruleFor(method: string, path: string): RuleName | null {
  if (path === '/health' || path === '/metrics') return 'probes';
  if (!path.startsWith('/api/v1/')) return null;
  if (method === 'POST' && path === '/api/v1/ingest') return 'ingest';
  if (path === '/api/v1/campaigns' || path.startsWith('/api/v1/campaigns/')) {
    if (method === 'GET' || method === 'HEAD') return 'read';
    if (method === 'POST') return 'create';
    if (method === 'PUT' || method === 'PATCH') return 'update';
    if (method === 'DELETE') return 'delete';
  }
  return 'default';
}

/** Organisation when known, else the signed-in user, else the client IP (`trust proxy` aware). */
function subjectOf(req: Request): string {
  const auth = req.auth;
  if (auth?.kind === 'apiKey') return `org:${auth.organisationId}`;
  if (auth?.kind === 'user') return auth.organisation ? `org:${auth.organisation.id}` : `user:${auth.userId}`;
  return `ip:${req.ip ?? 'unknown'}`;
}

/**
 * Redis-backed limits per rule and subject, with `RateLimit-*` headers and 429 + `Retry-After`.
 * Redis down → fail open: the request passes, an error is logged, `rate_limit_store_errors_total` grows.
 */
export function rateLimit(deps: { redis: Redis; rules: RateLimitRules; logger: Logger; metrics: Metrics }) {
  const storeErrors = new Counter({
    name: 'rate_limit_store_errors_total',
    help: 'Rate-limit checks that could not reach Redis and let the request through',
    registers: [deps.metrics.registry],
  });
  const onRedisError = (error: unknown) => {
    storeErrors.inc();
    deps.logger.error({ err: error }, 'rate limiter store unavailable, failing open');
  };
  const limiters = Object.fromEntries(
    Object.entries(deps.rules).map(([name, rule]) => [
      name,
      new FailOpenRateLimiter(deps.redis, name, rule, onRedisError),
    ]),
  ) as Record<RuleName, FailOpenRateLimiter>;

  return async (req: Request, res: Response, next: NextFunction) => {
    const rule = ruleFor(req.method, req.path);
    if (!rule) return next();
    const decision = await limiters[rule].consume(subjectOf(req));
    if (!decision.failedOpen) {
      res.setHeader('RateLimit-Limit', String(decision.limit));
      res.setHeader('RateLimit-Remaining', String(decision.remaining));
      res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    }
    if (!decision.allowed) return next(new RateLimitedError(decision.resetSeconds));
    next();
  };
}
