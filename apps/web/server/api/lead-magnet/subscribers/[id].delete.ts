import { NotFoundError } from '@prospectflow/contracts';
import { eraseSubscriber } from '@prospectflow/db';

/** Admins (right to erasure): deletes the subscriber with their consent log, links and email jobs. */
export default defineEventHandler(async (event) => {
  const me = await requireLeadMagnetOperator(event, { admin: true });
  const id = subscriberIdParam(event);
  if (!(await eraseSubscriber(useServices(event).pool, id))) {
    throw new NotFoundError('Subscriber not found', 'subscriber_not_found');
  }
  useServices(event).logger.info(
    { requestId: event.context.requestId, subscriberId: id, operatorId: me.user.id },
    'lead-magnet subscriber erased',
  );
  return sendNoContent(event, 204);
});
