import { NotFoundError, type InboxDetail, type InboxListQuery, type ReclassifyRequest } from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { applyClassification } from '@prospectflow/outreach';
import type { OutreachDeps } from './outreach-context.js';
import { keyedPage, timeKeysetOf } from './pages.js';

/** The inbox, newest first, filtered by campaign, class and handled state. */
export async function listInbox(deps: OutreachDeps, organisationId: string, input: InboxListQuery) {
  const rows = await db.listInbox(
    deps.pool,
    organisationId,
    { campaignId: input.campaignId, classification: input.classification, handled: input.handled },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}

/** One inbound message with its thread; 404 when it is not an inbound message of the organisation. */
export async function getInboxMessage(deps: OutreachDeps, organisationId: string, id: string): Promise<InboxDetail> {
  const message = await db.getInboxMessage(deps.pool, organisationId, id);
  if (!message) throw new NotFoundError('Message not found');
  return message;
}

/** Marks a message handled (the first time is kept) or back to unhandled. */
export async function setHandled(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  handled: boolean,
): Promise<InboxDetail> {
  const found = await db.setInboxHandled(deps.pool, organisationId, id, handled, deps.clock());
  if (!found) throw new NotFoundError('Message not found');
  return getInboxMessage(deps, organisationId, id);
}

/**
 * An operator's class for a message, applied like a detected one in one transaction: the previous
 * class's effects are undone where nothing moved since, the new ones applied (enrollment state,
 * suppression, tasks) and the webhooks emitted (`applyClassification`).
 */
export async function reclassify(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: ReclassifyRequest,
): Promise<InboxDetail> {
  const reason = input.note ? `Set by an operator: ${input.note}` : 'Set by an operator';
  const applied = await db.withTransaction(deps.pool, (client) =>
    applyClassification(client, {
      organisationId,
      messageId: id,
      classification: input.classification,
      reason,
      clock: deps.clock,
    }),
  );
  if (!applied) throw new NotFoundError('Message not found');
  return getInboxMessage(deps, organisationId, id);
}
