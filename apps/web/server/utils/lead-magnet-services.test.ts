import { afterEach, describe, expect, it, vi } from 'vitest';
import { reusePresignedUrl } from './lead-magnet-services.js';

describe('reusePresignedUrl', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('signs once per period and again after it, or after a failure', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let signed = 0;
    let fail = false;
    const presign = reusePresignedUrl(async () => {
      signed++;
      if (fail) throw new Error('no credentials');
      return `https://s3.example/guide.pdf?n=${signed}`;
    }, 50);
    expect(await presign()).toBe('https://s3.example/guide.pdf?n=1');
    expect(await presign()).toBe('https://s3.example/guide.pdf?n=1');
    vi.setSystemTime(Date.now() + 50);
    fail = true;
    await expect(presign()).rejects.toThrow('no credentials');
    fail = false;
    expect(await presign()).toBe('https://s3.example/guide.pdf?n=3');
    expect(signed).toBe(3);
  });
});
