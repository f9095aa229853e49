import { NotFoundError } from '@prospectflow/contracts';

/** RFC 8058 one-click unsubscribe (`List-Unsubscribe-Post`), posted by the mailbox provider: 200. */
export default defineEventHandler(async (event) => {
  noStoreNoReferrer(event);
  const outcome = await unsubscribeWithLink(event);
  if (outcome !== 'ok') throw new NotFoundError('This unsubscribe link is not valid', 'invalid_link');
  return { status: 'unsubscribed' };
});
