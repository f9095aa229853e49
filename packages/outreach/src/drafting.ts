import {
  ensureVariantAssignment,
  getPromptText,
  lockTask,
  pauseAfterFailure,
  settleTask,
  withTransaction,
  type DraftContext,
  type Pool,
  type StepVariant,
  type ThreadMessage,
} from '@prospectflow/db';
import { assignVariant } from './ab-assignment.js';
import type { Clock } from './clock.js';
import { draftStatements } from './draft-statements.js';
import { parseDraftAnswer, type ChatMessage, type LlmClient } from './llm-client.js';
import { nextSendingInstant } from './sending-window.js';
import {
  escapeHtml,
  renderEmailContent,
  renderTemplate,
  textToHtml,
  type RenderedContent,
  type TemplateContext,
} from './template-render.js';

/** A draft that cannot be produced whatever the number of attempts (missing content, no mailbox…). */
export class DraftError extends Error {
  override readonly name = 'DraftError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface DraftDeps {
  pool: Pool;
  clock: Clock;
  /** Null when no LLM endpoint is configured: prompt-only steps then fail with `llm_not_configured`. */
  llm: LlmClient | null;
}

export type DraftResult =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'drafted'; messageId: string | null; status: 'draft' | 'approved'; variantKey: string | null };

const ANSWER_FORMAT =
  'Answer with JSON only: {"subject": "...", "body": "..."}; the body is plain text with blank lines between paragraphs.';

/** The values templates and prompts may use. */
export function templateContextOf(ctx: DraftContext): TemplateContext {
  const fullName = [ctx.person.firstName, ctx.person.lastName].filter(Boolean).join(' ') || null;
  return {
    person: { ...ctx.person, fullName },
    company: ctx.company,
    position: ctx.position,
    campaign: { name: ctx.campaign.name },
    sender: { name: ctx.mailbox?.fromName ?? null, email: ctx.mailbox?.fromEmail ?? null },
  };
}

/** Chat messages for a prompt: its system and user texts rendered, plus the thread so far. */
export function promptMessages(
  prompt: { systemPrompt: string; userPrompt: string },
  context: TemplateContext,
  thread: Pick<ThreadMessage, 'subject' | 'bodyText'>[],
): ChatMessage[] {
  const system = [renderTemplate(prompt.systemPrompt, context).trim(), ANSWER_FORMAT].filter(Boolean).join('\n\n');
  const earlier = thread.map(
    (m, n) => `Email ${n + 1} already sent:\nSubject: ${m.subject ?? ''}\n${m.bodyText ?? ''}`,
  );
  const user = [...earlier, renderTemplate(prompt.userPrompt, context)].join('\n\n---\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

async function pickVariant(pool: Pool, ctx: DraftContext): Promise<StepVariant | null> {
  const { variants } = ctx;
  if (variants.length === 0) return null;
  const picked = assignVariant(ctx.enrollmentId, ctx.stepId, variants);
  const stored = await ensureVariantAssignment(pool, {
    organisationId: ctx.organisationId,
    enrollmentId: ctx.enrollmentId,
    stepId: ctx.stepId,
    variantId: picked.id,
  });
  return variants.find((v) => v.id === stored) ?? picked;
}

async function renderContent(
  deps: DraftDeps,
  ctx: DraftContext,
  source: { promptId: string | null; subjectTemplate: string | null; bodyTemplate: string | null },
): Promise<RenderedContent> {
  const context = templateContextOf(ctx);
  const { thread } = ctx;
  const replySubject = thread.length > 0 ? `Re: ${thread[thread.length - 1]!.subject ?? ''}`.trim() : '';
  if (source.bodyTemplate?.trim()) {
    const subject = source.subjectTemplate?.trim() ? source.subjectTemplate : replySubject;
    return renderEmailContent({ subject, body: source.bodyTemplate }, context);
  }
  if (!source.promptId)
    throw new DraftError('The step has neither a body template nor a prompt', 'step_has_no_content');
  if (!deps.llm)
    throw new DraftError('The step uses a prompt but LLM_BASE_URL is not configured', 'llm_not_configured');
  const prompt = await getPromptText(deps.pool, ctx.organisationId, source.promptId);
  if (!prompt) throw new DraftError('The step prompt no longer exists', 'prompt_not_found');
  const answer = parseDraftAnswer(await deps.llm.complete(promptMessages(prompt, context, thread)));
  const subject = answer.subject || replySubject;
  return { subject, text: answer.body, html: textToHtml(escapeHtml(answer.body)) };
}

/**
 * Drafts the email of a claimed draft task: the enrollment's A/B variant (stored at first use),
 * then its templates or its prompt through the LLM. Stores one message per enrollment step as
 * `draft` (approval required) or `approved` with a send task at the next sending instant.
 * A task that is no longer claimed (redelivered job, cancelled enrollment) is skipped.
 */
export async function draftTask(
  deps: DraftDeps,
  job: { organisationId: string; taskId: string },
): Promise<DraftResult> {
  const statements = draftStatements(deps.pool);
  const ctx = await statements.context({ organisationId: job.organisationId, taskId: job.taskId });
  if (!ctx || ctx.taskStatus !== 'claimed' || ctx.taskKind !== 'draft')
    return { outcome: 'skipped', reason: 'not_claimed' };
  if (!ctx.campaign.mailboxId || !ctx.mailbox) throw new DraftError('The campaign has no mailbox', 'no_mailbox');
  const variant = await pickVariant(deps.pool, ctx);
  const content = await renderContent(deps, ctx, variant ?? ctx.step);
  const status = ctx.campaign.requireApproval ? 'draft' : 'approved';
  const sendAt = nextSendingInstant(deps.clock(), {
    timezone: ctx.campaign.timezone,
    sendDays: ctx.campaign.sendDays,
    startHour: ctx.campaign.sendStartHour,
    endHour: ctx.campaign.sendEndHour,
  });
  const stored = await statements.store({
    taskId: job.taskId,
    message: {
      organisationId: ctx.organisationId,
      enrollmentId: ctx.enrollmentId,
      stepId: ctx.stepId,
      variantId: variant?.id ?? null,
      mailboxId: ctx.campaign.mailboxId,
      status,
      fromEmail: ctx.mailbox.fromEmail,
      toEmail: ctx.position.email,
      subject: content.subject,
      bodyText: content.text,
      bodyHtml: content.html,
    },
    sendAt,
  });
  if (!stored.settled) return { outcome: 'skipped', reason: 'not_claimed' };
  return { outcome: 'drafted', messageId: stored.messageId, status, variantKey: variant?.key ?? null };
}

/** A draft that failed for good: task failed with the reason, enrollment paused; resuming drafts the step again. */
export async function failDraftTask(
  deps: Pick<DraftDeps, 'pool' | 'clock'>,
  job: { organisationId: string; taskId: string },
  reason: string,
): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const task = await lockTask(client, job.organisationId, job.taskId);
    if (!task || task.status !== 'claimed' || !task.stepId) return;
    await settleTask(client, job.organisationId, job.taskId, 'failed', reason);
    await pauseAfterFailure(client, job.organisationId, task.enrollmentId, task.stepId, 'retry', deps.clock());
  });
}
