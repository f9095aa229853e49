import {
  ConflictError,
  NotFoundError,
  type BulkApproveResponse,
  type DraftListQuery,
  type MessageDetail,
  type UpdateDraftRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { escapeHtml, textToHtml } from '@prospectflow/outreach';
import type { OutreachDeps } from './outreach-context.js';
import { keyedPage, timeKeysetOf } from './pages.js';

export async function listDrafts(deps: OutreachDeps, organisationId: string, input: DraftListQuery) {
  const rows = await db.listDrafts(
    deps.pool,
    organisationId,
    { campaignId: input.campaignId },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}

/** The headers the message carries (Message-ID and threading once known). */
function headersOf(row: NonNullable<Awaited<ReturnType<typeof db.getMessage>>>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (row.fromEmail)
    headers.From = row.fromName ? `"${row.fromName.replace(/"/g, '')}" <${row.fromEmail}>` : row.fromEmail;
  if (row.toEmail) headers.To = row.toEmail;
  if (row.replyTo && row.direction === 'outbound') headers['Reply-To'] = row.replyTo;
  if (row.subject !== null) headers.Subject = row.subject;
  if (row.messageId) headers['Message-ID'] = row.messageId;
  if (row.inReplyTo) headers['In-Reply-To'] = row.inReplyTo;
  if (row.references) headers.References = row.references;
  return headers;
}

/** A message's life from its timestamps: drafted, approved, then its current status if later. */
function historyOf(row: NonNullable<Awaited<ReturnType<typeof db.getMessage>>>): MessageDetail['history'] {
  if (row.direction === 'inbound') return [{ status: 'received', at: row.receivedAt ?? row.createdAt }];
  const history: MessageDetail['history'] = [{ status: 'draft', at: row.draftedAt }];
  if (row.approvedAt) history.push({ status: 'approved', at: row.approvedAt, by: row.approvedBy });
  if (row.sentAt) history.push({ status: 'sent', at: row.sentAt });
  else if (!['draft', 'approved'].includes(row.status)) history.push({ status: row.status, at: row.updatedAt });
  return history;
}

export async function getMessage(deps: OutreachDeps, organisationId: string, id: string): Promise<MessageDetail> {
  const row = await db.getMessage(deps.pool, organisationId, id);
  if (!row) throw new NotFoundError('Message not found');
  const { fromName: _n, replyTo: _r, messageId: _m, inReplyTo: _i, references: _f, draftedAt: _d, ...message } = row;
  return { ...message, headers: headersOf(row), history: historyOf(row) };
}

/** Edits a draft; a new text without HTML regenerates the HTML part from the text. */
export async function updateDraft(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: UpdateDraftRequest,
): Promise<MessageDetail> {
  const changes = { ...input };
  if (input.bodyText !== undefined && input.bodyHtml === undefined) {
    changes.bodyHtml = textToHtml(escapeHtml(input.bodyText));
  }
  await db.withTransaction(deps.pool, async (client) => {
    await requireDraft(client, organisationId, id);
    await db.updateDraftContent(client, organisationId, id, changes);
  });
  return getMessage(deps, organisationId, id);
}

async function requireDraft(client: db.Queryable, organisationId: string, id: string) {
  const status = await db.lockMessageStatus(client, organisationId, id);
  if (status === null) throw new NotFoundError('Message not found');
  if (status !== 'draft')
    throw new ConflictError(`The message is ${status}, not a draft`, 'message_not_draft', { status });
}

/** Approves drafts; each gets its 'send' task in the same transaction. */
export async function approveDrafts(
  deps: OutreachDeps,
  organisationId: string,
  ids: string[],
  approvedBy: string | null,
): Promise<BulkApproveResponse> {
  return db.withTransaction(deps.pool, (client) =>
    db.approveDrafts(client, organisationId, ids, approvedBy, deps.clock()),
  );
}

/** Approves one draft: 404 unknown, 409 `message_not_draft` or `enrollment_stopped`. */
export async function approveDraft(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  approvedBy: string | null,
): Promise<MessageDetail> {
  const { skipped } = await approveDrafts(deps, organisationId, [id], approvedBy);
  const refusal = skipped[0]?.reason;
  if (refusal === 'not_found') throw new NotFoundError('Message not found');
  if (refusal === 'not_draft') throw new ConflictError('The message is not a draft', 'message_not_draft');
  if (refusal === 'enrollment_stopped') {
    throw new ConflictError(
      'The enrollment of this draft has stopped (reply, bounce, unsubscribe…)',
      'enrollment_stopped',
    );
  }
  return getMessage(deps, organisationId, id);
}

/** Rejects a draft and pauses its enrollment until an operator resumes (new draft) or removes it. */
export async function rejectDraft(deps: OutreachDeps, organisationId: string, id: string): Promise<MessageDetail> {
  await db.withTransaction(deps.pool, async (client) => {
    await requireDraft(client, organisationId, id);
    await db.rejectDraft(client, organisationId, id);
  });
  return getMessage(deps, organisationId, id);
}
