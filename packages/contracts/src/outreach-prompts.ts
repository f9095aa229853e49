import { z } from 'zod';
import { PageQuery } from './iam.js';

const systemPrompt = z.string().max(20_000);
const userPrompt = z.string().trim().min(1).max(50_000);

/** `POST /prompts`: version 1 of a new prompt name. */
export const CreatePromptRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  systemPrompt: systemPrompt.default(''),
  userPrompt,
});
export type CreatePromptRequest = z.infer<typeof CreatePromptRequest>;

/** `PATCH /prompts/:id`: a new version (latest + 1) built from this one with these changes. */
export const UpdatePromptRequest = z
  .strictObject({ systemPrompt: systemPrompt.optional(), userPrompt: userPrompt.optional() })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdatePromptRequest = z.infer<typeof UpdatePromptRequest>;

export const PromptListQuery = z.strictObject({ ...PageQuery.shape });
export type PromptListQuery = z.infer<typeof PromptListQuery>;

export const Prompt = z.object({
  id: z.uuid(),
  name: z.string(),
  version: z.number(),
  systemPrompt: z.string(),
  userPrompt: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
});
export type Prompt = z.infer<typeof Prompt>;
