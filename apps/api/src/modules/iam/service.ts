import {
  decodeCursor,
  toPage,
  type AddMemberRequest,
  type ApiKey,
  type CreateApiKeyRequest,
  type CreateApiKeyResponse,
  type CreateOrganisationRequest,
  type MeResponse,
  type Member,
  type OrganisationSummary,
  type PageQuery,
  type Role,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { z } from 'zod';
import { generateApiKey } from './api-key-secret.js';
import type { UserAuth } from './auth-context.js';

/** The signed-in operator, their organisations and what they may do in the acting one. */
export function describeMe(auth: UserAuth): MeResponse {
  return {
    user: { id: auth.userId, email: auth.email, displayName: auth.displayName },
    organisation: auth.organisation,
    organisations: auth.organisations,
    permissions: [...auth.permissions].sort(),
  };
}

/** Creates an organisation whose first admin is the caller. */
export function createOrganisation(
  pool: db.Pool,
  auth: UserAuth,
  input: CreateOrganisationRequest,
): Promise<OrganisationSummary> {
  return db.withTransaction(pool, (client) => db.createOrganisation(client, { ...input, adminUserId: auth.userId }));
}

const MemberCursor = z.object({ email: z.string() });

export async function listMembers(pool: db.Pool, organisationId: string, page: PageQuery) {
  const after = page.cursor ? decodeCursor(page.cursor, MemberCursor).email : undefined;
  const rows = await db.listMembers(pool, organisationId, { limit: page.limit + 1, afterEmail: after });
  return toPage(rows, page.limit, (m) => ({ email: m.email }));
}

/** Adds a person by email (invited until their first sign-in). */
export function addMember(pool: db.Pool, organisationId: string, input: AddMemberRequest): Promise<Member> {
  return db.withTransaction(pool, async (client) => {
    const user = await db.ensureUserByEmail(client, input.email);
    return db.addMember(client, organisationId, user.id, input.role);
  });
}

export function changeMemberRole(pool: db.Pool, organisationId: string, userId: string, role: Role): Promise<Member> {
  return db.withTransaction(pool, (client) => db.changeMemberRole(client, organisationId, userId, role));
}

export function removeMember(pool: db.Pool, organisationId: string, userId: string): Promise<void> {
  return db.withTransaction(pool, (client) => db.removeMember(client, organisationId, userId));
}

/** Issues a key: the plain value is returned here once and only its hash is stored. */
export async function createApiKey(
  pool: db.Pool,
  organisationId: string,
  createdBy: string,
  input: CreateApiKeyRequest,
): Promise<CreateApiKeyResponse> {
  const { key, keyPrefix, keyHash } = generateApiKey();
  const apiKey = await db.insertApiKey(pool, organisationId, {
    name: input.name,
    scopes: input.scopes,
    keyPrefix,
    keyHash,
    createdBy,
    expiresAt: input.expiresAt ?? null,
  });
  return { apiKey, key };
}

const ApiKeyCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

export async function listApiKeys(pool: db.Pool, organisationId: string, page: PageQuery) {
  const before = page.cursor ? decodeCursor(page.cursor, ApiKeyCursor) : undefined;
  const rows = await db.listApiKeys(pool, organisationId, { limit: page.limit + 1, before });
  return toPage(rows, page.limit, (k: ApiKey) => ({ createdAt: k.createdAt, id: k.id }));
}

export function revokeApiKey(pool: db.Pool, organisationId: string, id: string): Promise<ApiKey> {
  return db.revokeApiKey(pool, organisationId, id);
}
