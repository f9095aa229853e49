import { z } from 'zod';

/** Queues (and outbox routing keys) of the campaign engine's jobs. */
export const OUTREACH_DRAFT_QUEUE = 'outreach.draft';
export const OUTREACH_SEND_QUEUE = 'outreach.send';

/**
 * Claimed tasks per job the scheduler writes: one queue message (and one outbox row) carries up to
 * this many tasks of one organisation and kind, so the broker's work per email is a fraction.
 */
export const OUTREACH_TASKS_PER_JOB = 20;

/**
 * A draft or send job: the claimed tasks to process, all of one organisation (re-checked against
 * the rows). `taskId` alone is the one-task form (jobs published before batches, tests).
 */
export const OutreachTaskJob = z
  .object({
    organisationId: z.uuid(),
    taskId: z.uuid().optional(),
    taskIds: z.array(z.uuid()).min(1).max(500).optional(),
  })
  .refine((job) => (job.taskId === undefined) !== (job.taskIds === undefined), {
    message: 'give either taskId or taskIds',
  })
  .transform((job) => ({ organisationId: job.organisationId, taskIds: job.taskIds ?? [job.taskId!] }));
export type OutreachTaskJob = z.output<typeof OutreachTaskJob>;
