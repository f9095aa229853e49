import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.js';

describe('safeReturnPath', () => {
  it('keeps local paths with their query', () => {
    expect(safeReturnPath('/settings/api-keys')).toBe('/settings/api-keys');
    expect(safeReturnPath('/prospects?page=2')).toBe('/prospects?page=2');
  });

  it('sends everything else home', () => {
    for (const value of [
      undefined,
      42,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/login',
      '/auth/logout',
      '/a b',
    ]) {
      expect(safeReturnPath(value)).toBe('/');
    }
  });
});
