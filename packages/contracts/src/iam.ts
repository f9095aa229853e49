import { z } from 'zod';

export const Role = z.enum(['admin', 'manager', 'member']);
export type Role = z.infer<typeof Role>;

export const ApiKeyScope = z.enum(['ingest:write', 'prospects:read']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** Every permission the API checks; roles and API key scopes map onto these (doc/SECURITY.md). */
export const Permission = z.enum([
  'organisation:read',
  'members:manage',
  'api-keys:manage',
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
]);
export type Permission = z.infer<typeof Permission>;

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Invalid email address' }))
  .refine((v) => v.length <= 254, 'Email address too long');

export const DevTokenRequest = z.object({ email: Email, displayName: z.string().trim().min(1).max(120).optional() });
export type DevTokenRequest = z.infer<typeof DevTokenRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const OrganisationSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  role: Role,
});
export type OrganisationSummary = z.infer<typeof OrganisationSummary>;

export const MeResponse = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), displayName: z.string().nullable() }),
  /** The organisation this request acts in (X-Organisation-Id, or the only/first membership); null without any. */
  organisation: OrganisationSummary.nullable(),
  organisations: z.array(OrganisationSummary),
  permissions: z.array(Permission),
});
export type MeResponse = z.infer<typeof MeResponse>;

export const CreateOrganisationRequest = z.object({
  name: z.string().trim().min(1).max(120),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'Lower-case letters, digits and dashes; no dash at either end'),
});
export type CreateOrganisationRequest = z.infer<typeof CreateOrganisationRequest>;

export const Member = z.object({
  userId: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: Role,
  joinedAt: z.string(),
  /** False until the person signs in for the first time. */
  activated: z.boolean(),
});
export type Member = z.infer<typeof Member>;

export const AddMemberRequest = z.object({ email: Email, role: Role.default('member') });
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const ChangeRoleRequest = z.object({ role: Role });
export type ChangeRoleRequest = z.infer<typeof ChangeRoleRequest>;

export const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  keyPrefix: z.string(),
  scopes: z.array(ApiKeyScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(ApiKeyScope)
    .min(1)
    .transform((s) => [...new Set(s)]),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) > Date.now(), 'Must be in the future')
    .optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** The plain key appears in this response only; it is never stored or shown again. */
export const CreateApiKeyResponse = z.object({ apiKey: ApiKey, key: z.string() });
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponse>;

/** A page of a list endpoint; `nextCursor` is null on the last page. */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;
