import { listSubscribers } from '@prospectflow/db';

/** Operators: subscribers newest first, by page, filtered by status and part of the address. */
export default defineEventHandler(async (event) => {
  await requireLeadMagnetOperator(event);
  const { page, limit, status, email } = parseInput(SubscriberListQuery, getQuery(event));
  const result = await listSubscribers(useServices(event).pool, { status, email, limit, offset: (page - 1) * limit });
  return { ...result, page, limit };
});
