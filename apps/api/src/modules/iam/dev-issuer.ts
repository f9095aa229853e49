import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export interface DevIssuer {
  issuer: string;
  audience: string;
  /** The public keys, as served at `<issuer>/jwks.json`. */
  jwks: { keys: JWK[] };
  /** Signs an RS256 token for this email (sub derived from the email, stable across restarts). */
  signToken(input: { email: string; displayName?: string; ttlSeconds: number }): Promise<string>;
}

interface KeyFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** `dev|<hash of email>`: the same person keeps the same sub, like a real identity provider. */
export function devSubject(email: string): string {
  return `dev|${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)}`;
}

async function loadOrCreateKeys(path: string): Promise<KeyFile> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = createHash('sha256').update(JSON.stringify(publicJwk)).digest('base64url').slice(0, 16);
  const keys: KeyFile = {
    kid,
    privateJwk: await exportJWK(privateKey),
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  // Another process may have won the race to create the file: always use what is on disk.
  return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
}

/** The development identity provider: an RS256 key pair kept in a git-ignored file. */
export async function createDevIssuer(options: {
  issuer: string;
  audience: string;
  keyFile: string;
}): Promise<DevIssuer> {
  const keys = await loadOrCreateKeys(options.keyFile);
  const privateKey = await importJWK(keys.privateJwk, 'RS256');
  return {
    issuer: options.issuer,
    audience: options.audience,
    jwks: { keys: [keys.publicJwk] },
    signToken: ({ email, displayName, ttlSeconds }) =>
      new SignJWT({ email, ...(displayName ? { name: displayName } : {}), token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(devSubject(email))
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
  };
}
