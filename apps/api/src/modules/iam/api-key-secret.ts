import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'pf_';

/** A new plain key (`pf_` + 32 random bytes base64url), its display prefix and its SHA-256 hex. */
export function generateApiKey(): { key: string; keyPrefix: string; keyHash: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, keyPrefix: key.slice(0, API_KEY_PREFIX.length + 8), keyHash: hashApiKey(key) };
}

/** Keys are stored and looked up by this hash only. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Cheap shape check before touching the database: `pf_` + 43 base64url characters. */
export function looksLikeApiKey(token: string): boolean {
  return /^pf_[A-Za-z0-9_-]{43}$/.test(token);
}
