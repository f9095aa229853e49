import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createChildLogger, type Logger } from '@prospectflow/observability';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Used when MAILBOX_SECRETS_KEY is unset outside production. It is public (it is in this file),
 * so anything it encrypted must be treated as plain text.
 */
const DEV_KEY = Buffer.from('cHJvc3BlY3RmbG93LWRldi1tYWlsYm94LWtleS0zMmI=', 'base64');

/** Thrown for a missing or malformed key, and for a stored secret that does not decrypt. */
export class MailboxSecretsError extends Error {
  override name = 'MailboxSecretsError';
}

/** Parses a base64 key of exactly 32 bytes. */
export function parseMailboxSecretsKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw new MailboxSecretsError('MAILBOX_SECRETS_KEY must be the base64 of 32 bytes');
  }
  return key;
}

let warnedDevKey = false;

/**
 * The key that encrypts mailbox passwords at rest: MAILBOX_SECRETS_KEY (base64 of 32 bytes).
 * Absent: refused in production, the well-known dev key (with a warning) elsewhere.
 */
export function loadMailboxSecretsKey(
  env: { MAILBOX_SECRETS_KEY?: string; NODE_ENV?: string },
  logger?: Logger,
): Buffer {
  if (env.MAILBOX_SECRETS_KEY) return parseMailboxSecretsKey(env.MAILBOX_SECRETS_KEY);
  if (env.NODE_ENV === 'production') {
    throw new MailboxSecretsError('MAILBOX_SECRETS_KEY is required in production');
  }
  // Several components of one process load the key: one warning is enough.
  if (!warnedDevKey) {
    warnedDevKey = true;
    createChildLogger('MailboxSecrets', logger).warn(
      { env: env.NODE_ENV ?? 'development' },
      'MAILBOX_SECRETS_KEY unset, using the public development key',
    );
  }
  return DEV_KEY;
}

/** AES-256-GCM with a fresh IV: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function encryptMailboxSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

/** Decrypts what `encryptMailboxSecret` stored; a wrong key or a tampered value throws. */
export function decryptMailboxSecret(key: Buffer, stored: string): string {
  const [version, iv, tag, ciphertext, extra] = stored.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined || extra !== undefined) {
    throw new MailboxSecretsError('Stored mailbox secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new MailboxSecretsError('Stored mailbox secret does not decrypt with this key');
  }
}
