import { SignupRequest, submitSignup } from '@prospectflow/lead-magnet';

/**
 * The landing page's signup (double opt-in). Always 202 with the same neutral body, whatever
 * the address's state; limited per client IP and per address.
 */
export default defineEventHandler(async (event) => {
  applyLeadMagnetCors(event);
  const origin = requestOrigin(event);
  await enforceLimit(event, 'submitIp', origin.ip ?? 'unknown');
  const request = parseInput(SignupRequest, await readJsonBody(event));
  if (!request.honeypot) await enforceLimit(event, 'email', emailSubject(request.email));
  const { pool, logger } = useServices(event);
  const { response, outcome } = await submitSignup(pool, request, origin);
  useLeadMagnet(event).counters.signups.inc({ outcome });
  logger.info({ requestId: event.context.requestId, outcome }, 'lead-magnet signup');
  setResponseStatus(event, 202);
  return response;
});
