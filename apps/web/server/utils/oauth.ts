import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The Cognito Hosted UI client this web server is registered as. */
export interface OAuthClient {
  /** Hosted UI base, e.g. https://auth.example.com or https://x.auth.eu-west-3.amazoncognito.com */
  domain: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scopes: string;
}

/** What the token endpoint answers; Cognito omits `refresh_token` on a refresh grant. */
export const OAuthTokens = z.object({
  id_token: z.string().min(1),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string(),
});
export type OAuthTokens = z.infer<typeof OAuthTokens>;

/** A failed exchange; `code` is the OAuth error (`invalid_grant`…) or `token_endpoint_failed`. */
export class OAuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

/** 32 random bytes, base64url (43 characters): used for `state` and the PKCE verifier. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export function codeChallengeOf(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** Constant-time comparison of the `state` sent to the Hosted UI with the one that came back. */
export function stateMatches(expected: string, received: string | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Hosted UI `/oauth2/authorize` URL for an authorisation-code + PKCE (S256) sign-in. */
export function buildAuthorizeUrl(client: OAuthClient, state: string, codeVerifier: string): string {
  const url = new URL('/oauth2/authorize', client.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scopes,
    state,
    code_challenge: codeChallengeOf(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

/** The Hosted UI `/logout` URL, which ends the Cognito session and comes back to `logoutUri`. */
export function buildLogoutUrl(client: OAuthClient, logoutUri: string): string {
  const url = new URL('/logout', client.domain);
  url.search = new URLSearchParams({ client_id: client.clientId, logout_uri: logoutUri }).toString();
  return url.href;
}

async function requestTokens(client: OAuthClient, form: Record<string, string>): Promise<OAuthTokens> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client.clientSecret) {
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  const response = await fetch(new URL('/oauth2/token', client.domain), {
    method: 'POST',
    headers,
    body: new URLSearchParams({ client_id: client.clientId, ...form }),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => {
    throw new OAuthError('token_endpoint_unreachable', `token endpoint unreachable: ${(error as Error).name}`);
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const code = (body as { error?: unknown } | undefined)?.error;
    throw new OAuthError(
      typeof code === 'string' ? code : 'token_endpoint_failed',
      `token endpoint ${response.status}`,
    );
  }
  const tokens = OAuthTokens.safeParse(body);
  if (!tokens.success) throw new OAuthError('token_endpoint_failed', 'token endpoint answered an unexpected body');
  return tokens.data;
}

/** Exchanges the authorisation code, proving possession of the PKCE verifier. */
export function exchangeAuthorizationCode(client: OAuthClient, code: string, codeVerifier: string) {
  return requestTokens(client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: codeVerifier,
  });
}

/** Trades a refresh token for a new ID/access token pair. */
export function refreshTokens(client: OAuthClient, refreshToken: string) {
  return requestTokens(client, { grant_type: 'refresh_token', refresh_token: refreshToken });
}
