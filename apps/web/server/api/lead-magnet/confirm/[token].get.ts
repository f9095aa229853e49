import { confirmToken } from '@prospectflow/lead-magnet';

/**
 * The link of every email: confirms a pending address and starts the download (302 to the
 * success page with a 15-minute presigned URL), or sends to the expire / invalid page.
 */
export default defineEventHandler(async (event) => {
  noStoreNoReferrer(event);
  const origin = requestOrigin(event);
  await enforceLimit(event, 'linkIp', origin.ip ?? 'unknown');
  const { pool, logger } = useServices(event);
  const { presignDownload, counters } = useLeadMagnet(event);
  const result = await confirmToken({ pool, presignDownload }, getRouterParam(event, 'token') ?? '', origin);
  logger.info({ requestId: event.context.requestId, outcome: result.outcome }, 'lead-magnet link used');
  if (result.outcome !== 'ok') {
    return sendRedirect(event, result.outcome === 'expired' ? '/lead-magnet/expire' : '/lead-magnet/invalide', 302);
  }
  counters.downloads.inc();
  if (result.confirmedNow) counters.confirmations.inc();
  return sendRedirect(event, `/lead-magnet/succes?url=${encodeURIComponent(result.downloadUrl)}`, 302);
});
