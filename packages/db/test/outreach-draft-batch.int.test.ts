import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  getDraftContext,
  getDraftContexts,
  storeDrafts,
  type NewOutboundMessage,
  type Queryable,
} from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createOrganisation, insertTenantRow, seedTenantRows, type TenantIds } from './fixtures.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});

afterAll(async () => {
  await db?.drop();
});

/** An organisation with a campaign (and its mailbox) and one step, ready for enrollments. */
async function seedCampaign(pool: Queryable, name: string) {
  const organisationId = await createOrganisation(pool, name);
  const ids = await seedTenantRows(pool, organisationId, ['outreach_workflow_steps', 'crm_positions']);
  return { organisationId, ids };
}

/** A new enrollment of the campaign (its own position) with a draft task in `status`. */
async function seedDraftTask(
  pool: Queryable,
  organisationId: string,
  ids: TenantIds,
  status: 'pending' | 'claimed' = 'claimed',
) {
  const positionId = await insertTenantRow(pool, 'crm_positions', organisationId, ids);
  const enrollmentId = await insertTenantRow(pool, 'outreach_campaign_enrollments', organisationId, ids, {
    position_id: positionId,
  });
  const taskId = await insertTenantRow(pool, 'outreach_tasks', organisationId, ids, {
    enrollment_id: enrollmentId,
    status,
  });
  return { taskId, enrollmentId, positionId };
}

function draftOf(
  organisationId: string,
  ids: TenantIds,
  enrollmentId: string,
  overrides: Partial<NewOutboundMessage> = {},
): NewOutboundMessage {
  return {
    organisationId,
    enrollmentId,
    stepId: ids.outreach_workflow_steps!,
    variantId: null,
    mailboxId: ids.outreach_mailboxes!,
    status: 'draft',
    fromEmail: 'sales@sender.test',
    toEmail: null,
    subject: 'Hello',
    bodyText: 'Hi there',
    bodyHtml: '<p>Hi there</p>',
    ...overrides,
  };
}

describe('getDraftContexts', () => {
  it('answers the contexts aligned with the keys, null for an unknown task or one of another organisation', async () => {
    const a = await seedCampaign(db.pool, 'A');
    const b = await seedCampaign(db.pool, 'B');
    const a1 = await seedDraftTask(db.pool, a.organisationId, a.ids);
    const a2 = await seedDraftTask(db.pool, a.organisationId, a.ids, 'pending');
    const b1 = await seedDraftTask(db.pool, b.organisationId, b.ids);

    const contexts = await getDraftContexts(db.pool, [
      { organisationId: a.organisationId, taskId: a2.taskId },
      { organisationId: a.organisationId, taskId: randomUUID() },
      { organisationId: a.organisationId, taskId: a1.taskId },
      { organisationId: a.organisationId, taskId: b1.taskId },
      { organisationId: b.organisationId, taskId: b1.taskId },
      { organisationId: a.organisationId, taskId: a1.taskId },
    ]);

    expect(contexts).toHaveLength(6);
    expect(contexts[0]).toMatchObject({
      taskId: a2.taskId,
      taskStatus: 'pending',
      taskKind: 'draft',
      organisationId: a.organisationId,
      enrollmentId: a2.enrollmentId,
      stepId: a.ids.outreach_workflow_steps,
      campaign: { id: a.ids.outreach_campaigns, mailboxId: a.ids.outreach_mailboxes, sendDays: [1, 2, 3, 4, 5] },
      position: { jobTitle: 'CEO' },
      mailbox: { fromName: 'Sales' },
      variants: [],
      thread: [],
    });
    expect(contexts[1]).toBeNull();
    expect(contexts[2]).toMatchObject({ taskId: a1.taskId, taskStatus: 'claimed', enrollmentId: a1.enrollmentId });
    expect(contexts[3]).toBeNull();
    expect(contexts[4]).toMatchObject({ taskId: b1.taskId, organisationId: b.organisationId });
    expect(contexts[5]).toEqual(contexts[2]);

    expect(await getDraftContexts(db.pool, [])).toEqual([]);
    // The single-task wrapper runs the same statement.
    expect(await getDraftContext(db.pool, a.organisationId, a1.taskId)).toEqual(contexts[2]);
    expect(await getDraftContext(db.pool, a.organisationId, b1.taskId)).toBeNull();
  });
});

describe('storeDrafts', () => {
  it('stores several drafts in one call, answers aligned with the items', async () => {
    const { organisationId, ids } = await seedCampaign(db.pool, 'Store');
    const draft = await seedDraftTask(db.pool, organisationId, ids);
    const approved = await seedDraftTask(db.pool, organisationId, ids);
    const notClaimed = await seedDraftTask(db.pool, organisationId, ids, 'pending');
    const alreadyStored = await seedDraftTask(db.pool, organisationId, ids);
    const existing = await insertTenantRow(db.pool, 'outreach_messages', organisationId, ids, {
      enrollment_id: alreadyStored.enrollmentId,
    });
    const sendAt = new Date('2031-03-04T08:00:00.000Z');
    const tricky = 'Re: "quotes", {braces}, back\\slash & NULL — é';

    const results = await storeDrafts(db.pool, [
      { taskId: draft.taskId, message: draftOf(organisationId, ids, draft.enrollmentId, { subject: tricky }), sendAt },
      {
        taskId: approved.taskId,
        message: draftOf(organisationId, ids, approved.enrollmentId, {
          status: 'approved',
          toEmail: 'jo@example.test',
        }),
        sendAt,
      },
      { taskId: notClaimed.taskId, message: draftOf(organisationId, ids, notClaimed.enrollmentId), sendAt },
      { taskId: randomUUID(), message: draftOf(organisationId, ids, draft.enrollmentId), sendAt },
      { taskId: alreadyStored.taskId, message: draftOf(organisationId, ids, alreadyStored.enrollmentId), sendAt },
    ]);

    expect(results).toEqual([
      { settled: true, messageId: expect.any(String) },
      { settled: true, messageId: expect.any(String) },
      { settled: false, messageId: null },
      { settled: false, messageId: null },
      { settled: true, messageId: null },
    ]);

    const { rows: messages } = await db.pool.query(
      `SELECT id, enrollment_id, step_id, status, subject, to_email, mailbox_id, approved_at
       FROM outreach_messages WHERE organisation_id = $1`,
      [organisationId],
    );
    expect(messages).toHaveLength(3);
    expect(messages.find((m) => m.id === results[0]!.messageId)).toMatchObject({
      enrollment_id: draft.enrollmentId,
      step_id: ids.outreach_workflow_steps,
      status: 'draft',
      subject: tricky,
      mailbox_id: ids.outreach_mailboxes,
      approved_at: null,
    });
    expect(messages.find((m) => m.id === results[1]!.messageId)).toMatchObject({
      enrollment_id: approved.enrollmentId,
      status: 'approved',
      to_email: 'jo@example.test',
      approved_at: expect.any(Date),
    });
    expect(messages.find((m) => m.id === existing)).toMatchObject({ enrollment_id: alreadyStored.enrollmentId });

    const { rows: tasks } = await db.pool.query<{
      enrollment_id: string;
      kind: string;
      status: string;
      scheduled_for: Date;
      locked_by: string | null;
    }>(
      `SELECT enrollment_id, kind, status, scheduled_for, locked_by FROM outreach_tasks
       WHERE organisation_id = $1 ORDER BY kind, enrollment_id`,
      [organisationId],
    );
    const taskOf = (enrollmentId: string, kind: string) =>
      tasks.filter((t) => t.enrollment_id === enrollmentId && t.kind === kind);
    expect(taskOf(draft.enrollmentId, 'draft')).toMatchObject([{ status: 'done', locked_by: null }]);
    expect(taskOf(approved.enrollmentId, 'draft')).toMatchObject([{ status: 'done' }]);
    expect(taskOf(notClaimed.enrollmentId, 'draft')).toMatchObject([{ status: 'pending' }]);
    expect(taskOf(alreadyStored.enrollmentId, 'draft')).toMatchObject([{ status: 'done' }]);
    // Only the approved draft gets its send task, due at sendAt.
    expect(tasks.filter((t) => t.kind === 'send')).toEqual([
      expect.objectContaining({ enrollment_id: approved.enrollmentId, status: 'pending', scheduled_for: sendAt }),
    ]);
  });

  it('settles a task once when two items name it, and answers an empty call', async () => {
    const { organisationId, ids } = await seedCampaign(db.pool, 'Twice');
    const task = await seedDraftTask(db.pool, organisationId, ids);
    const sendAt = new Date();
    const item = { taskId: task.taskId, message: draftOf(organisationId, ids, task.enrollmentId), sendAt };
    const results = await storeDrafts(db.pool, [item, item]);
    expect(results.filter((r) => r.settled)).toEqual([{ settled: true, messageId: expect.any(String) }]);
    expect(results.filter((r) => !r.settled)).toEqual([{ settled: false, messageId: null }]);
    expect(await storeDrafts(db.pool, [])).toEqual([]);
  });
});
