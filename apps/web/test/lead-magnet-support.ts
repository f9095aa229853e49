import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createPool, type Pool } from '@prospectflow/db';
import { pollUntil } from '@prospectflow/testing';
import { readEmailsTo, type StoredEmail } from '../../../test/aws-standins.js';

export { FAKE_GUIDE_PDF } from '../../../test/aws-standins.js';
export { LANDING_TEST_ORIGIN } from '../../../test/e2e/web-app.js';

/** A fresh lower-case address per test (the web server normalises case anyway). */
export function uniqueEmail(prefix = 'mariee'): string {
  return `${prefix}.${randomUUID().slice(0, 8)}@example.fr`;
}

/** A random client address from the TEST-NET ranges, so limits never carry over between runs. */
export function randomIp(): string {
  const bytes = randomBytes(2);
  return `198.51.${bytes[0]}.${(bytes[1]! % 250) + 1}`;
}

/** A valid landing-page body. */
export function signupBody(email: string, extra: Record<string, unknown> = {}) {
  return {
    email,
    consent: true,
    consentText: "J'accepte de recevoir le guide et les e-mails de Light & Shutter.",
    privacyPolicyVersion: '2025-01',
    source: 'instagram',
    tags: ['guide'],
    honeypot: '',
    ...extra,
  };
}

export interface PostOptions {
  ip?: string;
  origin?: string;
  headers?: Record<string, string>;
}

/** POSTs JSON to a lead-magnet route as the landing page would (from `ip`, claiming `origin`). */
export function postJson(baseUrl: string, path: string, body: unknown, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (options.origin) headers.origin = options.origin;
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** A direct connection to the e2e database (to move the clock on a link, check what is left). */
export function openTestPool(): Pool {
  return createPool({ connectionString: inject('webEnv').DATABASE_URL!, max: 2, applicationName: 'lead-magnet-e2e' });
}

/** Waits until the SES emulator holds at least `count` emails to `address`; returns them oldest first. */
export async function waitForEmails(address: string, count: number): Promise<StoredEmail[]> {
  const { sesEndpoint } = inject('awsStandins');
  return pollUntil(
    async () => {
      const emails = await readEmailsTo(sesEndpoint, address);
      return emails.length >= count ? emails : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `${count} email(s) to ${address}` },
  );
}

const LINK = /https?:\/\/[^\s"<>]+\/api\/lead-magnet\/confirm\/([A-Za-z0-9_-]{43})/;

/** The main link of an email and its token. */
export function confirmLinkOf(email: StoredEmail): { url: string; token: string } {
  const match = LINK.exec(email.body.text ?? '') ?? LINK.exec(email.body.html ?? '');
  if (!match) throw new Error(`no confirm link in email "${email.subject}"`);
  return { url: match[0], token: match[1]! };
}

/** The stored form of a token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** GET without following redirects; returns the status and Location. */
export async function openLink(url: string, ip?: string): Promise<{ status: number; location: string }> {
  const response = await fetch(url, { redirect: 'manual', headers: ip ? { 'x-forwarded-for': ip } : {} });
  return { status: response.status, location: response.headers.get('location') ?? '' };
}

/** Signs in through the dev form and returns the session cookie (`pf_session=…`). */
export async function operatorCookie(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/dev-login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ email }).toString(),
  });
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('pf_session='));
  if (response.status !== 303 || !cookie) throw new Error(`dev sign-in of ${email} failed: ${response.status}`);
  return cookie.split(';')[0]!;
}

/** The JSON body of an answer, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the shape
export const readJson = (response: Response): Promise<any> => response.json();
