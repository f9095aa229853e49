import type { Prompt } from '@prospectflow/contracts';
import { iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

const promptColumns = (p: string) => `${p}.id, ${p}.name, ${p}.version, ${p}.system_prompt AS "systemPrompt",
  ${p}.user_prompt AS "userPrompt", ${p}.created_by AS "createdBy", ${iso(`${p}.created_at`)} AS "createdAt"`;

export interface PromptContent {
  systemPrompt: string;
  userPrompt: string;
}

/**
 * Inserts the next version of prompt `name` (1 for a new name). Two concurrent edits compute the
 * same number and the second fails on outreach_prompts_organisation_id_name_version_key.
 */
export async function insertPromptVersion(
  db: Queryable,
  organisationId: string,
  name: string,
  content: PromptContent,
  createdBy: string | null,
): Promise<Prompt> {
  const result = await query<Prompt>(
    db,
    'outreach.insert_prompt_version',
    `INSERT INTO outreach_prompts AS p (organisation_id, name, version, system_prompt, user_prompt, created_by)
     SELECT $1, $2, coalesce(max(version) + 1, 1), $3, $4, $5
     FROM outreach_prompts WHERE organisation_id = $1 AND name = $2
     RETURNING ${promptColumns('p')}`,
    [organisationId, name, content.systemPrompt, content.userPrompt, createdBy],
  );
  return result.rows[0]!;
}

export async function promptNameExists(db: Queryable, organisationId: string, name: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.prompt_name_exists',
    `SELECT 1 FROM outreach_prompts WHERE organisation_id = $1 AND name = $2 LIMIT 1`,
    [organisationId, name],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getPrompt(db: Queryable, organisationId: string, id: string): Promise<Prompt | null> {
  const result = await query<Prompt>(
    db,
    'outreach.get_prompt',
    `SELECT ${promptColumns('p')} FROM outreach_prompts p WHERE p.organisation_id = $1 AND p.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** The latest version of each prompt name, by name, after `afterName`. */
export async function listLatestPrompts(
  db: Queryable,
  organisationId: string,
  page: { afterName?: string; limit: number },
): Promise<Prompt[]> {
  const result = await query<Prompt>(
    db,
    'outreach.list_latest_prompts',
    `SELECT DISTINCT ON (p.name) ${promptColumns('p')} FROM outreach_prompts p
     WHERE p.organisation_id = $1 AND ($2::text IS NULL OR p.name > $2)
     ORDER BY p.name, p.version DESC LIMIT $3`,
    [organisationId, page.afterName ?? null, page.limit],
  );
  return result.rows;
}

/** Every version of prompt `name`, newest first. */
export async function listPromptVersions(db: Queryable, organisationId: string, name: string): Promise<Prompt[]> {
  const result = await query<Prompt>(
    db,
    'outreach.list_prompt_versions',
    `SELECT ${promptColumns('p')} FROM outreach_prompts p WHERE p.organisation_id = $1 AND p.name = $2
     ORDER BY p.version DESC`,
    [organisationId, name],
  );
  return result.rows;
}
