import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs, retryDelays } from '../src/backoff.js';

describe('retry back-off', () => {
  it('grows exponentially from the initial delay', () => {
    const options = { initialDelayMs: 200, factor: 2, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4].map((level) => retryDelayMs(level, options))).toEqual([200, 400, 800, 1600]);
  });

  it('is capped at maxDelayMs', () => {
    expect(retryDelayMs(10, { initialDelayMs: 1000, factor: 3, maxDelayMs: 60_000 })).toBe(60_000);
  });

  it('gives one delay per retry: maxDeliveries − 1', () => {
    expect(retryDelays(5)).toEqual([10_000, 50_000, 250_000, 1_250_000]);
    expect(retryDelays(1)).toEqual([]);
    expect(retryDelays(3, { ...DEFAULT_BACKOFF, initialDelayMs: 200, factor: 2 })).toEqual([200, 400]);
  });

  it('rejects nonsense settings', () => {
    expect(() => retryDelays(0)).toThrow(RangeError);
    expect(() => retryDelays(2.5)).toThrow(RangeError);
    expect(() => retryDelays(3, { initialDelayMs: 0, factor: 2, maxDelayMs: 10 })).toThrow(RangeError);
    expect(() => retryDelays(3, { initialDelayMs: 100, factor: 0.5, maxDelayMs: 1000 })).toThrow(RangeError);
    expect(() => retryDelayMs(0)).toThrow(RangeError);
  });
});
