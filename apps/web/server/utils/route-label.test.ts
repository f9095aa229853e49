import { describe, expect, it } from 'vitest';
import { collapsePath, resolveRequestId, routeLabel } from './route-label.js';

describe('routeLabel', () => {
  it('uses the matched Nitro route pattern', () => {
    expect(routeLabel('/api/lead-magnet/confirm/:token', '/api/lead-magnet/confirm/abc', 200)).toBe(
      '/api/lead-magnet/confirm/:token',
    );
  });

  it('collapses ids and tokens of pages served by the catch-all renderer', () => {
    expect(routeLabel('/**', '/campaigns/0b9c6a52-8f5e-4c2a-9d7e-1f2a3b4c5d6e?tab=steps', 200)).toBe('/campaigns/:id');
    expect(collapsePath('/prospects/42/download/Zm9vYmFyYmF6cXV4cXV1eHh5eg')).toBe('/prospects/:id/download/:token');
  });

  it('gives every unknown URL and every hashed asset a single label', () => {
    expect(routeLabel('/**', '/wp-login.php', 404)).toBe('unmatched');
    expect(routeLabel(undefined, '/_nuxt/CyODUDxG.js', 200)).toBe('/_nuxt/**');
  });
});

describe('resolveRequestId', () => {
  it('keeps a well-formed incoming id and replaces anything else', () => {
    expect(resolveRequestId('abc-123')).toBe('abc-123');
    expect(resolveRequestId('bad id\n{"level":60}')).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveRequestId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
