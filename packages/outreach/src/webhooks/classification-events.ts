import type { ReplyClassification } from '@prospectflow/contracts';
import { emitWebhookEvent, type ClassificationEffects, type LockedInbound, type Queryable } from '@prospectflow/db';

/**
 * The webhook events of a newly (re)classified inbound message, in the caller's transaction:
 * `message.bounced` for a bounce, `reply.received` for anything else the prospect sent, and
 * `prospect.unsubscribed` when the class suppressed the address. `reclassified` says an operator
 * changed an earlier class; the caller skips a re-run that keeps the same class.
 */
export async function emitClassificationWebhooks(
  client: Queryable,
  organisationId: string,
  message: LockedInbound,
  applied: { classification: ReplyClassification; reason: string; effects: ClassificationEffects },
): Promise<void> {
  const common = {
    messageId: message.id,
    enrollmentId: message.enrollmentId,
    email: message.positionEmail,
    reason: applied.reason,
    receivedAt: message.receivedAt?.toISOString() ?? null,
    reclassified: message.classification !== null,
  };
  const bounce = applied.classification === 'bounce_permanent' || applied.classification === 'bounce_temporary';
  if (bounce) {
    await emitWebhookEvent(client, organisationId, 'message.bounced', {
      ...common,
      permanent: applied.classification === 'bounce_permanent',
    });
  } else {
    await emitWebhookEvent(client, organisationId, 'reply.received', {
      ...common,
      classification: applied.classification,
    });
  }
  const suppression = applied.effects.suppression;
  if (suppression?.reason === 'unsubscribed') {
    await emitWebhookEvent(client, organisationId, 'prospect.unsubscribed', {
      email: suppression.email,
      source: 'reply',
      messageId: message.id,
      enrollmentId: message.enrollmentId,
    });
  }
}
