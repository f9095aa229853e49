import { ResendRequest, resend } from '@prospectflow/lead-magnet';

/** The expire page's "send me a new link": 202 with the neutral body; limited per IP and per address. */
export default defineEventHandler(async (event) => {
  applyLeadMagnetCors(event);
  await enforceLimit(event, 'resendIp', clientIp(event));
  const request = parseInput(ResendRequest, await readJsonBody(event));
  await enforceLimit(event, 'email', emailSubject(request.email));
  const { pool, logger } = useServices(event);
  const { response, outcome } = await resend(pool, request);
  logger.info({ requestId: event.context.requestId, outcome }, 'lead-magnet resend');
  setResponseStatus(event, 202);
  return response;
});
