import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from './same-origin.js';

const PUBLIC = 'https://app.example.com';

describe('isSameOriginRequest', () => {
  it('lets reads through whatever their origin', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(isSameOriginRequest(method, { origin: 'https://evil.example' }, PUBLIC)).toBe(true);
    }
  });

  it('accepts writes from our own origin, by Origin or else by Referer', () => {
    expect(isSameOriginRequest('POST', { origin: 'https://app.example.com' }, PUBLIC)).toBe(true);
    expect(isSameOriginRequest('DELETE', { referer: 'https://app.example.com/settings/api-keys?x=1' }, PUBLIC)).toBe(
      true,
    );
  });

  it('refuses writes from elsewhere or without proof of origin', () => {
    expect(isSameOriginRequest('POST', { origin: 'https://evil.example' }, PUBLIC)).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'http://app.example.com' }, PUBLIC)).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'https://app.example.com.evil.example' }, PUBLIC)).toBe(false);
    expect(isSameOriginRequest('PATCH', {}, PUBLIC)).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'null', referer: 'https://app.example.com/' }, PUBLIC)).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'https://evil.example', referer: `${PUBLIC}/` }, PUBLIC)).toBe(false);
  });
});
