import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Signatures older or newer than this (seconds) are refused when a timestamp is sent. */
export const INBOUND_SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new per-mailbox inbound secret: `pfin_` + 32 random bytes, base64url. */
export function generateInboundSecret(): string {
  return `pfin_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex>` HMAC of the raw body, or of `<timestamp>.<raw body>` when a timestamp is given. */
export function signInboundBody(secret: string, body: Buffer, timestamp?: string): string {
  const hmac = createHmac('sha256', secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}.`);
  return `sha256=${hmac.update(body).digest('hex')}`;
}

// Hashing both sides first makes the comparison constant-time whatever the lengths.
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export type InboundAuthResult = 'ok' | 'missing' | 'invalid' | 'stale';

/**
 * Authenticates an inbound webhook call: `Authorization: Bearer <secret>`, or
 * `X-Signature: sha256=<hex>` over the raw body (with `X-Signature-Timestamp`, over
 * `<timestamp>.<body>` and only within the tolerance, against replays). Constant-time compares.
 */
export function verifyInboundAuth(input: {
  secret: string;
  body: Buffer;
  now: Date;
  authorization?: string;
  signature?: string;
  timestamp?: string;
}): InboundAuthResult {
  const bearer = /^Bearer\s+(\S+)$/i.exec(input.authorization?.trim() ?? '')?.[1];
  if (bearer !== undefined) return sameSecret(bearer, input.secret) ? 'ok' : 'invalid';
  if (!input.signature) return 'missing';
  if (input.timestamp !== undefined) {
    const seconds = /^\d{1,12}$/.test(input.timestamp) ? Number(input.timestamp) : NaN;
    if (!(Math.abs(input.now.getTime() / 1000 - seconds) <= INBOUND_SIGNATURE_TOLERANCE_SECONDS)) return 'stale';
  }
  const expected = signInboundBody(input.secret, input.body, input.timestamp);
  return sameSecret(input.signature.trim().toLowerCase(), expected) ? 'ok' : 'invalid';
}
