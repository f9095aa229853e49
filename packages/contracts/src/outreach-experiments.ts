import { z } from 'zod';
import { templateFields } from './outreach-campaigns.js';

export const ExperimentStatus = z.enum(['draft', 'running', 'stopped']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

export const VariantInput = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'Letters, digits, _ or -, at most 32'),
  weight: z.number().int().min(1).max(1000).default(1),
  ...templateFields,
});
export type VariantInput = z.infer<typeof VariantInput>;

const variants = z
  .array(VariantInput)
  .min(2)
  .max(26)
  .refine((v) => new Set(v.map((x) => x.key)).size === v.length, 'Variant keys must be unique');

export const CreateExperimentRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  status: ExperimentStatus.exclude(['stopped']).default('running'),
  variants,
});
export type CreateExperimentRequest = z.infer<typeof CreateExperimentRequest>;

/** Name and status at any time; `variants` (replaced as a whole) only while the experiment is a draft. */
export const UpdateExperimentRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    status: ExperimentStatus.optional(),
    variants: variants.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateExperimentRequest = z.infer<typeof UpdateExperimentRequest>;

export const Variant = z.object({
  id: z.uuid(),
  key: z.string(),
  weight: z.number(),
  promptId: z.uuid().nullable(),
  subjectTemplate: z.string().nullable(),
  bodyTemplate: z.string().nullable(),
});
export type Variant = z.infer<typeof Variant>;

export const Experiment = z.object({
  id: z.uuid(),
  stepId: z.uuid(),
  name: z.string(),
  status: ExperimentStatus,
  variants: z.array(Variant),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Experiment = z.infer<typeof Experiment>;
