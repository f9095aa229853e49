import { NotFoundError } from '@prospectflow/contracts';
import { exportSubscriber } from '@prospectflow/db';

/** Admins (RGPD access request): everything held about a subscriber, as a JSON download. */
export default defineEventHandler(async (event) => {
  const me = await requireLeadMagnetOperator(event, { admin: true });
  const id = subscriberIdParam(event);
  const data = await exportSubscriber(useServices(event).pool, id);
  if (!data) throw new NotFoundError('Subscriber not found', 'subscriber_not_found');
  useServices(event).logger.info(
    { requestId: event.context.requestId, subscriberId: id, operatorId: me.user.id },
    'lead-magnet subscriber exported',
  );
  setResponseHeaders(event, {
    'cache-control': 'no-store',
    'content-disposition': `attachment; filename="lead-magnet-subscriber-${id}.json"`,
  });
  return { exportedAt: new Date().toISOString(), ...data };
});
