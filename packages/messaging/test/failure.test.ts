import { describe, expect, it } from 'vitest';
import { RetryableError, TerminalError } from '../src/errors.js';
import { classifyFailure, deadHeaders, deliveryAttempt, describeError, republishHeaders } from '../src/failure.js';

const delays = [200, 400];

describe('deliveryAttempt', () => {
  it('is 1 for a fresh message', () => {
    expect(deliveryAttempt(undefined)).toBe(1);
    expect(deliveryAttempt({})).toBe(1);
  });

  it('reads our attempt header and adds broker redeliveries', () => {
    expect(deliveryAttempt({ 'x-attempt': 3 })).toBe(3);
    expect(deliveryAttempt({ 'x-attempt': '2', 'x-delivery-count': 1 })).toBe(3);
    expect(deliveryAttempt({ 'x-delivery-count': 2 })).toBe(3);
  });

  it('ignores garbage', () => {
    expect(deliveryAttempt({ 'x-attempt': 'soon', 'x-delivery-count': -4 })).toBe(1);
  });
});

describe('classifyFailure', () => {
  it('retries a retryable error with the delay of its level', () => {
    expect(classifyFailure(new RetryableError('smtp 421'), 1, delays)).toMatchObject({
      action: 'retry',
      level: 1,
      delayMs: 200,
    });
    expect(classifyFailure(new RetryableError('smtp 421'), 2, delays)).toMatchObject({
      action: 'retry',
      level: 2,
      delayMs: 400,
    });
  });

  it('treats unknown errors (and non-errors) as retryable', () => {
    expect(classifyFailure(new TypeError('boom'), 1, delays)).toMatchObject({
      action: 'retry',
      error: 'TypeError: boom',
    });
    expect(classifyFailure('oops', 1, delays)).toMatchObject({ action: 'retry', error: 'oops' });
  });

  it('dead-letters after the last delivery', () => {
    expect(classifyFailure(new Error('still down'), 3, delays)).toMatchObject({
      action: 'dead',
      reason: 'max-deliveries',
    });
    expect(classifyFailure(new Error('x'), 1, [])).toMatchObject({ action: 'dead', reason: 'max-deliveries' });
  });

  it('dead-letters a terminal error at once, with its code', () => {
    const decision = classifyFailure(new TerminalError('mailbox does not exist', { code: 'smtp_550' }), 1, delays);
    expect(decision).toEqual({
      action: 'dead',
      reason: 'terminal',
      error: 'TerminalError: mailbox does not exist',
      code: 'smtp_550',
    });
  });
});

describe('headers', () => {
  it('truncates long error messages', () => {
    expect(describeError(new Error('x'.repeat(5000))).error.length).toBeLessThan(1100);
  });

  it('drops per-copy broker headers when republishing', () => {
    const original = {
      tenant: 'org-1',
      'x-death': [{}],
      'x-first-death-reason': 'expired',
      'x-delivery-count': 2,
      'retry-level': '1',
    };
    expect(republishHeaders(original, { 'x-attempt': 2 })).toEqual({ tenant: 'org-1', 'x-attempt': 2 });
  });

  it('records why a job was dead-lettered', () => {
    const decision = { action: 'dead', reason: 'terminal', error: 'TerminalError: no', code: 'bad' } as const;
    expect(deadHeaders(decision, 'outreach.send', 2)).toEqual({
      'x-dead-reason': 'terminal',
      'x-dead-error': 'TerminalError: no',
      'x-error-code': 'bad',
      'x-original-queue': 'outreach.send',
      'x-attempt': 2,
    });
  });
});
