import { NotFoundError, RateLimitedError, ValidationError } from '@prospectflow/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toErrorResponse, usesJsonErrors } from './http-error.js';

describe('toErrorResponse', () => {
  it('maps a domain error thrown through h3 (kept as cause) to its status and code', () => {
    const wrapped = {
      statusCode: 500,
      unhandled: true,
      cause: new NotFoundError('Campaign not found', 'campaign_not_found'),
    };
    expect(toErrorResponse(wrapped)).toEqual({
      status: 404,
      body: { error: { code: 'campaign_not_found', message: 'Campaign not found' } },
    });
    expect(toErrorResponse(new ValidationError('Bad body', [{ path: ['email'] }])).body.error.details).toEqual([
      { path: ['email'] },
    ]);
  });

  it('turns zod issues from h3 validation into validation_failed details', () => {
    const zodError = z.object({ email: z.email() }).safeParse({ email: 'x' }).error;
    const { status, body } = toErrorResponse({ statusCode: 400, statusMessage: 'Validation Error', data: zodError });
    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual([expect.objectContaining({ path: ['email'], code: 'invalid_format' })]);
  });

  it('tells a rate-limited client when to retry', () => {
    expect(toErrorResponse(new RateLimitedError(30)).headers).toEqual({ 'retry-after': '30' });
  });

  it('keeps h3 client errors and hides anything unexpected behind a generic 500', () => {
    expect(toErrorResponse({ statusCode: 405, statusMessage: 'Method Not Allowed' }).body.error.code).toBe(
      'method_not_allowed',
    );
    expect(toErrorResponse({ statusCode: 404, data: { code: 'route_not_found' } }).body.error.code).toBe(
      'route_not_found',
    );
    expect(toErrorResponse(new Error('password=hunter2 leaked'))).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'Something went wrong on our side' } },
    });
  });
});

describe('usesJsonErrors', () => {
  it('covers the API, the sign-in endpoints and the probes, not the pages', () => {
    expect(['/api/x', '/auth/logout', '/health', '/ready?x=1', '/metrics'].every(usesJsonErrors)).toBe(true);
    expect(['/', '/healthy', '/prospects', '/authors'].some(usesJsonErrors)).toBe(false);
  });
});
