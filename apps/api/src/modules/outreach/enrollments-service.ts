import {
  ConflictError,
  MAX_ENROLL_BY_FILTER,
  NotFoundError,
  UnprocessableError,
  type EnrollRequest,
  type EnrollResponse,
  type Enrollment,
  type EnrollmentListQuery,
  type RemoveEnrollmentResponse,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import type { OutreachDeps } from './outreach-context.js';
import { keyedPage, timeKeysetOf } from './pages.js';

/**
 * Enrolls positions (by id or by the prospects filter) in one transaction: enrollments at the
 * first enabled step and their first 'draft' task, due now; skips are counted per reason.
 */
export async function enroll(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  input: EnrollRequest,
): Promise<EnrollResponse> {
  return db.withTransaction(deps.pool, async (client) => {
    const campaign = await db.getCampaignSettings(client, organisationId, campaignId, { forUpdate: true });
    if (!campaign) throw new NotFoundError('Campaign not found');
    if (campaign.status === 'archived')
      throw new ConflictError('An archived campaign takes no one', 'campaign_archived');
    const firstStep = await db.getFirstEnabledStep(client, organisationId, campaignId);
    if (!firstStep) {
      throw new UnprocessableError('Add an enabled step before enrolling', 'no_enabled_step', [
        { code: 'no_enabled_step', message: 'Add at least one enabled step' },
      ]);
    }
    const source = 'positionIds' in input ? input : { filter: input.filter, max: MAX_ENROLL_BY_FILTER };
    return db.enrollPositions(client, organisationId, campaignId, firstStep, source, deps.clock());
  });
}

export async function listEnrollments(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  input: EnrollmentListQuery,
) {
  if (!(await db.getCampaignSettings(deps.pool, organisationId, campaignId))) {
    throw new NotFoundError('Campaign not found');
  }
  const rows = await db.listEnrollments(
    deps.pool,
    organisationId,
    campaignId,
    { state: input.state },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}

export async function getEnrollment(deps: OutreachDeps, organisationId: string, id: string): Promise<Enrollment> {
  const enrollment = await db.getEnrollment(deps.pool, organisationId, id);
  if (!enrollment) throw new NotFoundError('Enrollment not found');
  return enrollment;
}

/**
 * Pauses an active enrollment, or resumes a paused one; resuming queues a new draft of the
 * current step when its draft was rejected (nothing else in flight).
 */
export async function setEnrollmentPaused(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  paused: boolean,
): Promise<Enrollment> {
  await db.withTransaction(deps.pool, async (client) => {
    const [from, to] = paused ? (['active', 'paused'] as const) : (['paused', 'active'] as const);
    if (!(await db.transitionEnrollment(client, organisationId, id, from, to))) {
      const current = await db.getEnrollment(client, organisationId, id);
      if (!current) throw new NotFoundError('Enrollment not found');
      throw new ConflictError(
        `A ${current.state} enrollment cannot be ${paused ? 'paused' : 'resumed'}`,
        'invalid_transition',
        {
          state: current.state,
        },
      );
    }
    if (!paused) await db.ensureCurrentStepTask(client, organisationId, id, deps.clock());
  });
  return getEnrollment(deps, organisationId, id);
}

export async function removeEnrollment(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
): Promise<RemoveEnrollmentResponse> {
  const removed = await db.withTransaction(deps.pool, (client) => db.removeEnrollment(client, organisationId, id));
  if (!removed) throw new NotFoundError('Enrollment not found');
  return { removed };
}
