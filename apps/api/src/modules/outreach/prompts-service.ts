import {
  ConflictError,
  NotFoundError,
  type CreatePromptRequest,
  type Prompt,
  type PromptListQuery,
  type UpdatePromptRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { mapConstraints } from './db-errors.js';
import type { OutreachDeps } from './outreach-context.js';
import { textKeyOf, textPage } from './pages.js';

const VERSION_RACE = {
  outreach_prompts_organisation_id_name_version_key: [
    'prompt_version_conflict',
    'Someone saved this prompt at the same time; reload and try again',
  ] as [string, string],
};

/** Version 1 of a new prompt name (409 `prompt_exists` when the name is taken: edit it instead). */
export async function createPrompt(
  deps: OutreachDeps,
  organisationId: string,
  input: CreatePromptRequest,
  createdBy: string | null,
): Promise<Prompt> {
  if (await db.promptNameExists(deps.pool, organisationId, input.name)) {
    throw new ConflictError('A prompt has this name; edit it to create a new version', 'prompt_exists');
  }
  const { name, ...content } = input;
  return mapConstraints(db.insertPromptVersion(deps.pool, organisationId, name, content, createdBy), VERSION_RACE);
}

/** Editing never changes a stored version: it saves latest + 1, from the edited version and the changes. */
export async function editPrompt(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: UpdatePromptRequest,
  createdBy: string | null,
): Promise<Prompt> {
  const base = await getPrompt(deps, organisationId, id);
  const content = {
    systemPrompt: input.systemPrompt ?? base.systemPrompt,
    userPrompt: input.userPrompt ?? base.userPrompt,
  };
  return mapConstraints(db.insertPromptVersion(deps.pool, organisationId, base.name, content, createdBy), VERSION_RACE);
}

export async function getPrompt(deps: OutreachDeps, organisationId: string, id: string): Promise<Prompt> {
  const prompt = await db.getPrompt(deps.pool, organisationId, id);
  if (!prompt) throw new NotFoundError('Prompt not found');
  return prompt;
}

export async function listPrompts(deps: OutreachDeps, organisationId: string, input: PromptListQuery) {
  const rows = await db.listLatestPrompts(deps.pool, organisationId, {
    afterName: textKeyOf(input.cursor),
    limit: input.limit + 1,
  });
  return textPage(rows, input.limit, (p) => p.name);
}

/** Every version of the prompt's name, newest first. */
export async function listVersions(deps: OutreachDeps, organisationId: string, id: string) {
  const prompt = await getPrompt(deps, organisationId, id);
  return { items: await db.listPromptVersions(deps.pool, organisationId, prompt.name) };
}
