import { createHash, randomBytes } from 'node:crypto';

/** A new pixel or unsubscribe token: 32 random bytes, base64url. Only its hash is stored. */
export function generateTrackingToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a token, the form stored in the database. */
export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check before hashing and querying. */
export function isWellFormedTrackingToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Tracking URLs for one message, from the API's public base URL. */
export function trackingUrls(baseUrl: string, tokens: { pixel: string | null; unsubscribe: string }) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    pixelUrl: tokens.pixel === null ? null : `${base}/t/o/${tokens.pixel}.gif`,
    unsubscribeUrl: `${base}/u/${tokens.unsubscribe}`,
  };
}
