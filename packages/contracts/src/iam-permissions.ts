import { Permission, type ApiKeyScope, type Role } from './iam.js';

/** The permission matrix (doc/SECURITY.md): what each role may do in its organisation. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: Permission.options,
  manager: [
    'organisation:read',
    'mailboxes:manage',
    'webhooks:manage',
    'campaigns:read',
    'campaigns:write',
    'enrollments:write',
    'imports:write',
    'drafts:approve',
    'inbox:read',
    'inbox:triage',
    'prospects:read',
    'prospects:write',
    'ingest:write',
  ],
  member: ['organisation:read', 'campaigns:read', 'drafts:approve', 'inbox:read', 'inbox:triage', 'prospects:read'],
};

/** What an API key may do: exactly its scopes, nothing else. */
export const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  'ingest:write': ['ingest:write'],
  'prospects:read': ['prospects:read'],
};
