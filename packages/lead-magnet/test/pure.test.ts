import { describe, expect, it } from 'vitest';
import {
  buildEmailLinks,
  generateToken,
  hashToken,
  LeadMagnetEmailJob,
  renderLeadMagnetEmail,
  SignupRequest,
} from '../src/index.js';
import { escapeHtml } from '../src/email-templates.js';
import { ratio } from '../src/stats.js';
import { isWellFormedToken } from '../src/tokens.js';

describe('tokens', () => {
  it('are 32 random bytes in base64url, hashed to 64 hex characters', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isWellFormedToken(token)).toBe(true);
    expect(generateToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(isWellFormedToken('../../etc/passwd')).toBe(false);
  });
});

describe('SignupRequest', () => {
  const body = { email: ' Marie.Dupont@Gmail.COM ', consent: true, consentText: 'Oui', privacyPolicyVersion: 'v1' };
  it('normalises the address and defaults the tags', () => {
    expect(SignupRequest.parse(body)).toMatchObject({ email: 'marie.dupont@gmail.com', tags: [] });
  });
  it('requires consent to be true and a valid address', () => {
    expect(SignupRequest.safeParse({ ...body, consent: false }).success).toBe(false);
    expect(SignupRequest.safeParse({ ...body, consent: 'true' }).success).toBe(false);
    expect(SignupRequest.safeParse({ ...body, email: 'marie@' }).success).toBe(false);
    expect(SignupRequest.safeParse({ ...body, consentText: ' ' }).success).toBe(false);
  });
});

describe('LeadMagnetEmailJob', () => {
  it('accepts only ids and a kind', () => {
    const job = { jobId: crypto.randomUUID(), kind: 'confirm', subscriberId: crypto.randomUUID() };
    expect(LeadMagnetEmailJob.parse({ ...job, token: 'secret' })).toEqual(job);
    expect(LeadMagnetEmailJob.safeParse({ ...job, kind: 'newsletter' }).success).toBe(false);
  });
});

describe('renderLeadMagnetEmail', () => {
  const links = buildEmailLinks('https://app.example/', 'TOKEN');
  it('builds both links under the public base URL', () => {
    expect(links).toEqual({
      actionUrl: 'https://app.example/api/lead-magnet/confirm/TOKEN',
      unsubscribeUrl: 'https://app.example/api/lead-magnet/unsubscribe/TOKEN',
    });
  });
  it('renders French text and HTML with both links and the one-click unsubscribe headers', () => {
    for (const kind of ['confirm', 'download'] as const) {
      const email = renderLeadMagnetEmail(kind, 'a@b.fr', links);
      expect(email.text).toContain('48 heures');
      expect(email.text).toContain(links.actionUrl);
      expect(email.html).toContain(links.unsubscribeUrl);
      expect(email.html).toContain('lang="fr"');
      expect(email.headers).toEqual([
        { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]);
    }
  });
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('ratio', () => {
  it('is null without a denominator', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
});
