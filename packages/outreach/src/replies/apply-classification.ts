import type { ReplyClassification } from '@prospectflow/contracts';
import {
  insertSuppression,
  lockInboundMessage,
  pauseEnrollmentUntil,
  setClassification,
  stopEnrollments,
  undoClassificationEffects,
  type ClassificationEffects,
  type LockedInbound,
  type Queryable,
} from '@prospectflow/db';
import type { Clock } from '../clock.js';
import { findReturnDate } from './return-date.js';
import { emitClassificationWebhooks } from '../webhooks/classification-events.js';

const DAY_MS = 86_400_000;
/** A return date further than this is read as a mistake: the default pause applies. */
const MAX_PAUSE_DAYS = 90;
export const DEFAULT_AUTO_REPLY_PAUSE_DAYS = 7;

export interface ApplyClassificationInput {
  organisationId: string;
  /** Our id of the inbound message (outreach_messages.id). */
  messageId: string;
  classification: ReplyClassification;
  reason: string;
  clock: Clock;
  /** Pause of an out-of-office whose text gives no return date. */
  defaultPauseDays?: number;
}

export interface AppliedClassification {
  classification: ReplyClassification;
  reason: string;
  effects: ClassificationEffects;
}

/** When an out-of-office pause ends: the return date in its text, else `defaultPauseDays` after it arrived. */
export function autoReplyPauseEnd(message: LockedInbound, now: Date, defaultPauseDays: number): Date {
  const received = message.receivedAt ?? now;
  const fallback = new Date(received.getTime() + defaultPauseDays * DAY_MS);
  const found = findReturnDate(message.bodyText ?? '', received);
  return found && found.getTime() - received.getTime() <= MAX_PAUSE_DAYS * DAY_MS ? found : fallback;
}

async function effectsOf(
  client: Queryable,
  input: ApplyClassificationInput,
  message: LockedInbound,
): Promise<ClassificationEffects> {
  const none: ClassificationEffects = { enrollments: [], suppression: null };
  const { organisationId } = input;
  const enrollmentId = message.enrollmentId;
  if (!enrollmentId) return none;
  switch (input.classification) {
    case 'human_reply':
      if (!message.exitOnReply) return none;
      return {
        enrollments: await stopEnrollments(client, organisationId, { enrollmentId, email: null }, 'replied'),
        suppression: null,
      };
    case 'auto_reply': {
      const now = input.clock();
      const until = autoReplyPauseEnd(message, now, input.defaultPauseDays ?? DEFAULT_AUTO_REPLY_PAUSE_DAYS);
      if (until <= now) return none;
      const paused = await pauseEnrollmentUntil(client, organisationId, enrollmentId, until);
      return { enrollments: paused ? [paused] : [], suppression: null };
    }
    case 'bounce_temporary':
      return none;
    case 'bounce_permanent':
    case 'unsubscribe_request': {
      const email = message.positionEmail;
      const reason = input.classification === 'bounce_permanent' ? 'bounced' : 'unsubscribed';
      const created = email
        ? await insertSuppression(client, organisationId, { email, reason, sourceMessageId: message.id })
        : false;
      const state = input.classification === 'bounce_permanent' ? 'bounced' : 'unsubscribed';
      return {
        enrollments: await stopEnrollments(client, organisationId, { enrollmentId, email }, state),
        suppression: created && email ? { email, reason } : null,
      };
    }
  }
}

/**
 * Records the class of an inbound message and applies its effects, in the caller's transaction:
 * human reply → enrollment `replied` and its tasks cancelled (when the step exits on reply);
 * auto-reply → enrollment paused until the return date (or the default), its tasks postponed;
 * permanent bounce / unsubscribe request → address suppressed, every running enrollment to it
 * `bounced` / `unsubscribed`; temporary bounce → recorded only. Re-runnable: the effects of the
 * previous class (stored with the message) are undone first where nothing moved since, so an
 * operator's reclassification (e.g. a bounce that was a human reply) restores what it changed.
 * Null when the message is not an inbound message of the organisation.
 */
export async function applyClassification(
  client: Queryable,
  input: ApplyClassificationInput,
): Promise<AppliedClassification | null> {
  const message = await lockInboundMessage(client, input.organisationId, input.messageId);
  if (!message) return null;
  if (message.effects) {
    await undoClassificationEffects(client, input.organisationId, message.id, message.effects, input.clock());
  }
  const effects = await effectsOf(client, input, message);
  await setClassification(client, input.organisationId, message.id, {
    classification: input.classification,
    reason: input.reason,
    effects,
  });
  const applied = { classification: input.classification, reason: input.reason, effects };
  if (message.classification !== input.classification) {
    await emitClassificationWebhooks(client, input.organisationId, message, applied);
  }
  return applied;
}
