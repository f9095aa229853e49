import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

/** `points` requests per `durationSeconds` window. */
export interface RateRule {
  points: number;
  durationSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  /** True when Redis could not be asked and the request was let through. */
  failedOpen: boolean;
}

/** Parses `"10/60"` (10 requests per 60 s). */
export function parseRateRule(value: string): RateRule {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new Error(`invalid rate rule "${value}": expected <requests>/<seconds>, e.g. 10/60`);
  const points = Number(match[1]);
  const durationSeconds = Number(match[2]);
  if (points < 1 || durationSeconds < 1) throw new Error(`invalid rate rule "${value}": both numbers must be ≥ 1`);
  return { points, durationSeconds };
}

/**
 * A fixed-window limiter in Redis that fails open: when Redis is unreachable the request is
 * allowed and `onRedisError` is told (callers log and count it), so an outage of the cache
 * never takes the API down with it.
 */
export class FailOpenRateLimiter {
  readonly #limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    readonly name: string,
    readonly rule: RateRule,
    private readonly onRedisError: (error: unknown) => void,
  ) {
    this.#limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `pf:rl:${name}`,
      points: rule.points,
      duration: rule.durationSeconds,
      rejectIfRedisNotReady: true,
    });
  }

  /** Counts one request for `key` and says whether it may proceed. */
  async consume(key: string): Promise<RateDecision> {
    try {
      const res = await this.#limiter.consume(key);
      return this.#decision(true, res);
    } catch (error) {
      if (error instanceof RateLimiterRes) return this.#decision(false, error);
      this.onRedisError(error);
      return { allowed: true, limit: this.rule.points, remaining: this.rule.points, resetSeconds: 0, failedOpen: true };
    }
  }

  #decision(allowed: boolean, res: RateLimiterRes): RateDecision {
    return {
      allowed,
      limit: this.rule.points,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      failedOpen: false,
    };
  }
}
