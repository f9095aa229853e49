import type { ApiKeyScope, Permission, Role } from './iam.js';

/** The permission matrix (doc/PERMISSIONS.md): what each role may do in its organisation. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'organisation:read',
    'members:manage',
    'api-keys:manage',
    'mailboxes:manage',
    'campaigns:write',
    'enrollments:write',
    'imports:write',
    'drafts:approve',
    'prospects:read',
    'prospects:write',
    'ingest:write',
  ],
  manager: [
    'organisation:read',
    'campaigns:write',
    'enrollments:write',
    'imports:write',
    'drafts:approve',
    'prospects:read',
    'prospects:write',
    'ingest:write',
  ],
  member: ['organisation:read', 'drafts:approve', 'prospects:read'],
};

/** What an API key may do: exactly its scopes, nothing else. */
export const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  'ingest:write': ['ingest:write'],
  'prospects:read': ['prospects:read'],
};
