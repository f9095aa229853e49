import { NotFoundError } from '@prospectflow/contracts';
import { getSubscriber, listConsentEvents } from '@prospectflow/db';

/** Operators: a subscriber's consent history, oldest first. */
export default defineEventHandler(async (event) => {
  await requireLeadMagnetOperator(event);
  const id = subscriberIdParam(event);
  const { pool } = useServices(event);
  if (!(await getSubscriber(pool, id))) throw new NotFoundError('Subscriber not found', 'subscriber_not_found');
  return { items: await listConsentEvents(pool, id) };
});
