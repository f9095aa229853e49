import type { Request } from 'express';
import {
  ForbiddenError,
  UnauthenticatedError,
  type AppError,
  type OrganisationSummary,
  type Permission,
  type Role,
} from '@prospectflow/contracts';

/** An operator signed in with a token; `organisation` is null when they belong to none yet. */
export interface UserAuth {
  kind: 'user';
  userId: string;
  email: string;
  displayName: string | null;
  organisation: OrganisationSummary | null;
  organisations: OrganisationSummary[];
  permissions: ReadonlySet<Permission>;
}

/** A machine client (Pharow) with an API key: one organisation, only the key's scopes. */
export interface ApiKeyAuth {
  kind: 'apiKey';
  apiKeyId: string;
  organisationId: string;
  permissions: ReadonlySet<Permission>;
}

export type AuthContext = UserAuth | ApiKeyAuth;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Request in this namespace
  namespace Express {
    interface Request {
      auth?: AuthContext;
      /** Why the presented credentials were refused; raised by the first route that needs them. */
      authFailure?: AppError;
    }
  }
}

/** The caller, or the reason they are not authenticated (401). */
export function authOf(req: Request): AuthContext {
  if (req.auth) return req.auth;
  throw req.authFailure ?? new UnauthenticatedError('Sign in or present an API key');
}

/** A signed-in operator (API keys are refused with 403). */
export function userOf(req: Request): UserAuth {
  const auth = authOf(req);
  if (auth.kind !== 'user') throw new ForbiddenError('This endpoint is for operators, not API keys', 'user_required');
  return auth;
}

/** The organisation every tenant query of this request is scoped to (403 without membership). */
export function organisationIdOf(req: Request): string {
  const auth = authOf(req);
  if (auth.kind === 'apiKey') return auth.organisationId;
  if (!auth.organisation) throw new ForbiddenError('You are not a member of any organisation', 'no_membership');
  return auth.organisation.id;
}

/** The caller's role in the acting organisation (operators only). */
export function roleOf(req: Request): Role | null {
  const auth = req.auth;
  return auth?.kind === 'user' ? (auth.organisation?.role ?? null) : null;
}
