import { recordVisit } from '@prospectflow/lead-magnet';

/** A landing-page visit, counted per day for the capture rate (no personal data kept). */
export default defineEventHandler(async (event) => {
  applyLeadMagnetCors(event);
  await enforceLimit(event, 'visitIp', clientIp(event));
  await recordVisit(useServices(event).pool);
  return sendNoContent(event, 204);
});
