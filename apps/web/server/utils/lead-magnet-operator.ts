import type { H3Event } from 'h3';
import { ForbiddenError, MeResponse } from '@prospectflow/contracts';
import { callApi } from './api-client.js';

/**
 * The lead magnet is single-tenant (Light & Shutter's own list): any signed-in operator with a
 * membership may read it; RGPD export and erasure need the admin role in the acting
 * organisation. The API's `/me` decides, with the session's token. Writes must be same-origin.
 */
export async function requireLeadMagnetOperator(
  event: H3Event,
  options: { admin?: boolean } = {},
): Promise<MeResponse> {
  assertSameOrigin(event);
  const session = await requireActiveSession(event);
  const me = await callApi(event, '/api/v1/me', MeResponse, {
    token: session.token,
    organisationId: session.organisationId,
  });
  if (!me.organisation) throw new ForbiddenError('Join an organisation to see the lead magnet', 'no_membership');
  if (options.admin && me.organisation.role !== 'admin') {
    throw new ForbiddenError('Only an admin may export or erase a subscriber', 'admin_required');
  }
  return me;
}
