import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { DevIssuer } from './dev-issuer.js';

/** What the API needs from a verified operator token. */
export interface VerifiedIdentity {
  sub: string;
  email?: string;
  displayName?: string;
}

export interface TokenVerifier {
  /** Resolves the identity of a valid token; rejects expired, forged, mis-issued or unsigned ones. */
  verify(token: string): Promise<VerifiedIdentity>;
}

type Claims = Record<string, unknown> & { sub?: string };

function identityOf(payload: Claims): VerifiedIdentity {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('token has no sub');
  const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : undefined;
  const displayName = typeof payload.name === 'string' ? payload.name : undefined;
  return { sub: payload.sub, email, displayName };
}

/**
 * Cognito user-pool tokens: ID tokens (which carry the email) and access tokens (which do not:
 * they only work for users already known by their sub).
 */
export function cognitoVerifier(options: { userPoolId: string; clientId: string }): TokenVerifier {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    clientId: options.clientId,
    tokenUse: null,
  });
  return { verify: async (token) => identityOf((await verifier.verify(token)) as Claims) };
}

/**
 * The dev issuer's tokens go through aws-jwt-verify's generic verifier (RS256, issuer, audience,
 * expiry), with the JWKS the API publishes pre-loaded so that no HTTP round trip is needed.
 */
export function devVerifier(issuer: DevIssuer): TokenVerifier {
  const verifier = JwtVerifier.create({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: `${issuer.issuer}/jwks.json`,
  });
  verifier.cacheJwks(issuer.jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return { verify: async (token) => identityOf((await verifier.verify(token)) as Claims) };
}
