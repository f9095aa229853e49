/** Exponential back-off between two deliveries of a failed job. */
export interface BackoffOptions {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

/** 10 s, 50 s, ~4 min, ~21 min: long enough to ride out SMTP greylisting and short outages. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 10_000, factor: 5, maxDelayMs: 3_600_000 };

/** Delay before retry `level` (1-based): initialDelayMs × factor^(level − 1), capped at maxDelayMs. */
export function retryDelayMs(level: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(level) || level < 1)
    throw new RangeError(`retry level must be a positive integer, got ${level}`);
  return Math.min(Math.round(options.initialDelayMs * options.factor ** (level - 1)), options.maxDelayMs);
}

/** One delay per retry level: a job delivered at most `maxDeliveries` times is retried `maxDeliveries − 1` times. */
export function retryDelays(maxDeliveries: number, options: BackoffOptions = DEFAULT_BACKOFF): number[] {
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new RangeError(`maxDeliveries must be a positive integer, got ${maxDeliveries}`);
  }
  if (!(options.initialDelayMs >= 1) || !(options.factor >= 1) || !(options.maxDelayMs >= options.initialDelayMs)) {
    throw new RangeError('back-off needs initialDelayMs >= 1, factor >= 1 and maxDelayMs >= initialDelayMs');
  }
  return Array.from({ length: maxDeliveries - 1 }, (_, index) => retryDelayMs(index + 1, options));
}
