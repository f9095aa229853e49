import type { NextFunction, Request, Response } from 'express';
import {
  ForbiddenError,
  ROLE_PERMISSIONS,
  SCOPE_PERMISSIONS,
  UnauthenticatedError,
  type OrganisationSummary,
  type Permission,
} from '@prospectflow/contracts';
import { listMemberships, resolveUserBySub, useApiKey, type Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { hashApiKey, looksLikeApiKey } from './api-key-secret.js';
import type { ApiKeyAuth, AuthContext, UserAuth } from './auth-context.js';
import type { TokenVerifier } from './token-verifier.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"', 'invalid_authorization');
  return match[1];
}

async function apiKeyAuth(pool: Pool, token: string): Promise<ApiKeyAuth> {
  const key = looksLikeApiKey(token) ? await useApiKey(pool, hashApiKey(token)) : null;
  // Unknown, revoked and expired keys are answered alike: nothing to learn by probing.
  if (!key) throw new UnauthenticatedError('API key is invalid, revoked or expired', 'invalid_api_key');
  const permissions = new Set<Permission>(key.scopes.flatMap((scope) => SCOPE_PERMISSIONS[scope]));
  return { kind: 'apiKey', apiKeyId: key.id, organisationId: key.organisationId, permissions };
}

function actingOrganisation(
  memberships: OrganisationSummary[],
  requested: string | undefined,
): OrganisationSummary | null {
  if (requested === undefined) return memberships[0] ?? null;
  const found = UUID.test(requested) ? memberships.find((m) => m.id === requested) : undefined;
  if (!found)
    throw new ForbiddenError('You are not a member of the organisation in X-Organisation-Id', 'no_membership');
  return found;
}

async function userAuth(
  pool: Pool,
  verifier: TokenVerifier,
  token: string,
  requestedOrg: string | undefined,
): Promise<UserAuth> {
  const identity = await verifier.verify(token).catch(() => {
    throw new UnauthenticatedError('Token is invalid or expired', 'invalid_token');
  });
  const user = await resolveUserBySub(pool, identity);
  if (!user)
    throw new UnauthenticatedError('Unknown user: sign in with an ID token that carries the email', 'unknown_user');
  const organisations = await listMemberships(pool, user.id);
  const organisation = actingOrganisation(organisations, requestedOrg);
  const permissions = new Set<Permission>(organisation ? ROLE_PERMISSIONS[organisation.role] : []);
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    organisation,
    organisations,
    permissions,
  };
}

/**
 * Identifies the caller from `Authorization: Bearer` (an operator token or a `pf_` API key) and
 * the optional `X-Organisation-Id`. Refused credentials are remembered in `req.authFailure` rather
 * than answered here, so rate limiting still applies and public routes keep working.
 */
export function identify(deps: { pool: Pool; verifier: TokenVerifier; logger: Logger }) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const token = bearerOf(req);
      if (token === undefined) return next();
      const requestedOrg = req.header('x-organisation-id');
      const auth: AuthContext = token.startsWith('pf_')
        ? await apiKeyAuth(deps.pool, token)
        : await userAuth(deps.pool, deps.verifier, token, requestedOrg);
      req.auth = auth;
    } catch (error) {
      if (!(error instanceof UnauthenticatedError || error instanceof ForbiddenError)) return next(error);
      deps.logger.debug({ code: error.code, requestId: req.id }, 'credentials refused');
      req.authFailure = error;
    }
    next();
  };
}
