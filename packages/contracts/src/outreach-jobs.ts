import { z } from 'zod';

/** Queues (and outbox routing keys) of the campaign engine's jobs. */
export const OUTREACH_DRAFT_QUEUE = 'outreach.draft';
export const OUTREACH_SEND_QUEUE = 'outreach.send';

/** A draft or send job: the claimed task to process (its organisation is re-checked against the row). */
export const OutreachTaskJob = z.object({ organisationId: z.uuid(), taskId: z.uuid() });
export type OutreachTaskJob = z.infer<typeof OutreachTaskJob>;
