export { resolveUserBySub, ensureUserByEmail, type UserRow } from './users.js';
export { listMemberships, createOrganisation } from './organisations.js';
export { listMembers, getMember, addMember, changeMemberRole, removeMember } from './members.js';
export { insertApiKey, listApiKeys, revokeApiKey, useApiKey, type NewApiKey, type ActiveApiKey } from './api-keys.js';
