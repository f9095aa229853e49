import { createHash, randomBytes } from 'node:crypto';

/** Validity of every emailed link. */
export const TOKEN_TTL_SECONDS = 48 * 3600;

/** A new link token: 32 random bytes, base64url (43 characters). Never log or store it. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 hex of a token: the only form that is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string can be a token at all (cheap rejection before hashing and querying). */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
