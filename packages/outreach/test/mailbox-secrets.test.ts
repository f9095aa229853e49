import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MailboxSecretsError,
  decryptMailboxSecret,
  encryptMailboxSecret,
  loadMailboxSecretsKey,
  parseMailboxSecretsKey,
} from '../src/mailbox-secrets.js';

const key = randomBytes(32);

describe('mailbox secrets', () => {
  it('round-trips a password and never stores it readable', () => {
    const stored = encryptMailboxSecret(key, 'hunter2-pâssword');
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain('hunter2');
    expect(decryptMailboxSecret(key, stored)).toBe('hunter2-pâssword');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptMailboxSecret(key, 'same')).not.toBe(encryptMailboxSecret(key, 'same'));
  });

  it('refuses another key and a tampered value', () => {
    const stored = encryptMailboxSecret(key, 'secret');
    expect(() => decryptMailboxSecret(randomBytes(32), stored)).toThrow(MailboxSecretsError);
    const [v, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptMailboxSecret(key, [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(
      MailboxSecretsError,
    );
    expect(() => decryptMailboxSecret(key, 'plain-password')).toThrow(MailboxSecretsError);
  });

  it('loads the key from the environment, refusing a missing key in production', () => {
    const b64 = key.toString('base64');
    expect(loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: b64, NODE_ENV: 'production' }).equals(key)).toBe(true);
    expect(() => loadMailboxSecretsKey({ NODE_ENV: 'production' })).toThrow(/required in production/);
    expect(loadMailboxSecretsKey({ NODE_ENV: 'test' })).toHaveLength(32);
    expect(() => parseMailboxSecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseMailboxSecretsKey('not base64 at all!')).toThrow(MailboxSecretsError);
  });
});
