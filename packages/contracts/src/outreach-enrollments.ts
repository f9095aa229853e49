import { z } from 'zod';
import { ProspectListQuery } from './crm-prospects.js';
import { PageQuery } from './iam.js';

/** Positions enrolled by one request through the prospects filter, at most. */
export const MAX_ENROLL_BY_FILTER = 10_000;

/** The prospects list filter (same parameters and formats as `GET /prospects`, without paging). */
export const ProspectFilter = ProspectListQuery.omit({ limit: true, cursor: true, sort: true });
export type ProspectFilter = z.infer<typeof ProspectFilter>;

export const EnrollRequest = z.union([
  z.strictObject({ positionIds: z.array(z.uuid()).min(1).max(1000) }),
  z.strictObject({ filter: ProspectFilter }),
]);
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  /** Positions considered: the ids given, or those matching the filter (up to MAX_ENROLL_BY_FILTER). */
  requested: z.number(),
  enrolled: z.number(),
  skipped: z.object({
    suppressed: z.number(),
    noEmail: z.number(),
    alreadyEnrolled: z.number(),
    notFound: z.number(),
  }),
  /** The filter matched more than MAX_ENROLL_BY_FILTER positions; enroll again for the rest. */
  truncated: z.boolean(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const EnrollmentState = z.enum(['active', 'paused', 'replied', 'bounced', 'unsubscribed', 'finished']);
export type EnrollmentState = z.infer<typeof EnrollmentState>;

export const EnrollmentListQuery = z.strictObject({ ...PageQuery.shape, state: EnrollmentState.optional() });
export type EnrollmentListQuery = z.infer<typeof EnrollmentListQuery>;

export const Enrollment = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  positionId: z.uuid(),
  state: EnrollmentState,
  currentStepIndex: z.number(),
  pausedUntil: z.string().nullable(),
  enrolledAt: z.string(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  prospect: z.object({
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    companyName: z.string(),
  }),
  /** Outbound messages that failed to send, and the latest one's error (why a send pause happened). */
  failedMessages: z.number(),
  lastError: z.string().nullable(),
});
export type Enrollment = z.infer<typeof Enrollment>;

/** `DELETE /enrollments/:id`: deleted outright when nothing was sent yet, otherwise stopped (kept as history). */
export const RemoveEnrollmentResponse = z.object({ removed: z.enum(['deleted', 'stopped']) });
export type RemoveEnrollmentResponse = z.infer<typeof RemoveEnrollmentResponse>;
