import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  isNonPublicAddress,
  signWebhook,
  verifyWebhookSignature,
  webhookTargetPolicy,
  webhookUrlProblem,
} from '../src/index.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"ping"}';

  it('is sha256= and the hex HMAC of "timestamp.body", computable by any receiver', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1_700_000_000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies the right signature and refuses a changed body, another secret or an old timestamp', () => {
    const now = new Date(1_700_000_100_000);
    const headers = { timestamp: '1700000000', signature: signWebhook(secret, 1_700_000_000, body) };
    expect(verifyWebhookSignature(secret, headers, body, { now })).toBe(true);
    expect(verifyWebhookSignature(secret, headers, `${body} `, { now })).toBe(false);
    expect(verifyWebhookSignature('whsec_other', headers, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, { now: new Date(1_700_000_400_000) })).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, timestamp: 'x' }, body, { now })).toBe(false);
  });

  it('generates distinct 32-byte secrets', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});

describe('webhook target policy', () => {
  const production = webhookTargetPolicy({ NODE_ENV: 'production' });
  const development = webhookTargetPolicy({ NODE_ENV: 'development' });

  it('defaults to private targets allowed outside production only, unless set', () => {
    expect(production.allowPrivateTargets).toBe(false);
    expect(development.allowPrivateTargets).toBe(true);
    expect(webhookTargetPolicy({ NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).allowPrivateTargets).toBe(
      false,
    );
  });

  it('accepts public https URLs everywhere', () => {
    expect(webhookUrlProblem('https://hooks.example.com/prospectflow', production)).toBeNull();
    expect(webhookUrlProblem('https://93.184.216.34/hook', production)).toBeNull();
  });

  it('allows plain http for localhost and 127.0.0.1 only when private targets are allowed', () => {
    expect(webhookUrlProblem('http://localhost:8080/hook', development)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', development)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/hook', development)).toBe('Must use https');
    expect(webhookUrlProblem('http://localhost:8080/hook', production)).toBe('Must use https');
    expect(webhookUrlProblem('ftp://hooks.example.com/', development)).toBe('Must use https');
  });

  it.each([
    'https://localhost/hook',
    'https://127.0.0.1/hook',
    'https://2130706433/hook',
    'https://10.1.2.3/hook',
    'https://172.20.0.1/hook',
    'https://192.168.1.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://app.localhost/hook',
  ])('refuses %s in production', (url) => {
    expect(webhookUrlProblem(url, production)).toMatch(/not allowed/);
  });

  it('refuses credentials in the URL and garbage', () => {
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', production)).toMatch(/Credentials/);
    expect(webhookUrlProblem('not a url', production)).toBe('Not a valid URL');
  });

  it('classifies resolved addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('2606:4700:4700::1111')).toBe(false);
    expect(isNonPublicAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isNonPublicAddress('172.32.0.1')).toBe(false);
  });
});
