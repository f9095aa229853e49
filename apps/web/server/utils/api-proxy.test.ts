import { describe, expect, it } from 'vitest';
import { forwardedResponseHeaders, proxyTargetUrl } from './api-proxy.js';

const API = 'http://127.0.0.1:3000';

describe('proxyTargetUrl', () => {
  it('maps /api/v1/… onto the API, query string included', () => {
    expect(proxyTargetUrl(API, '/api/v1/me')).toBe('http://127.0.0.1:3000/api/v1/me');
    expect(proxyTargetUrl(`${API}/`, '/api/v1/api-keys?cursor=abc&limit=10')).toBe(
      'http://127.0.0.1:3000/api/v1/api-keys?cursor=abc&limit=10',
    );
  });

  it('refuses paths that would leave /api/v1 or reach the sign-in endpoints', () => {
    for (const path of [
      '/api/v1/../../metrics',
      '/api/v1/%2e%2e/health',
      '/api/v1/members/..%2F..%2Fmetrics',
      '/api/v1/auth/dev/token',
      '/api/v1/%61uth/dev/token',
      '/api/v1/x/%E0%A4%A',
      '/api/lead-magnet/signup',
      '/api/v2/me',
    ]) {
      expect(proxyTargetUrl(API, path), path).toBeUndefined();
    }
  });
});

describe('forwardedResponseHeaders', () => {
  it('passes content type, rate-limit headers and Retry-After, nothing else', () => {
    const headers = new Headers({
      'content-type': 'application/json',
      'retry-after': '30',
      'ratelimit-limit': '100',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '30',
      'set-cookie': 'x=1',
      'x-powered-by': 'Express',
      'access-control-allow-origin': '*',
    });
    expect(forwardedResponseHeaders(headers)).toEqual({
      'content-type': 'application/json',
      'retry-after': '30',
      'ratelimit-limit': '100',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '30',
    });
  });

  it('passes the name of a download (rejected rows CSV)', () => {
    const headers = new Headers({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="leads-rejected.csv"',
    });
    expect(forwardedResponseHeaders(headers)).toEqual({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="leads-rejected.csv"',
    });
  });
});
