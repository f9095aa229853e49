import type { Role } from '@prospectflow/contracts';

/** Roles in the order the dashboard offers them (doc/SECURITY.md has the permission matrix). */
export const ROLES: readonly Role[] = ['admin', 'manager', 'member'];
