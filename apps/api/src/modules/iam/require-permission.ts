import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, type Permission } from '@prospectflow/contracts';
import { authOf, organisationIdOf } from './auth-context.js';

/**
 * The one access-control middleware: the caller must be authenticated (401), act in an
 * organisation (403 no_membership) and hold `permission` there through their role or the API
 * key's scopes (403 forbidden).
 */
export function requirePermission(permission: Permission) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const auth = authOf(req);
    organisationIdOf(req);
    if (!auth.permissions.has(permission)) {
      throw new ForbiddenError(`Your access does not include ${permission}`, 'forbidden');
    }
    next();
  };
}
