import type { H3Event } from 'h3';
import { unsubscribe } from '@prospectflow/lead-magnet';

/** Link routes carry a token in their path: never cached, never sent on as a Referer. */
export function noStoreNoReferrer(event: H3Event): void {
  setResponseHeaders(event, { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

/** Unsubscribes the owner of the `:token` link (GET link or one-click POST); limited per IP. */
export async function unsubscribeWithLink(event: H3Event): Promise<'ok' | 'invalid'> {
  const origin = requestOrigin(event);
  await enforceLimit(event, 'linkIp', origin.ip ?? 'unknown');
  const { pool, logger } = useServices(event);
  const result = await unsubscribe(pool, getRouterParam(event, 'token') ?? '', origin);
  if (result.outcome === 'ok' && result.unsubscribedNow) useLeadMagnet(event).counters.unsubscribes.inc();
  logger.info({ requestId: event.context.requestId, outcome: result.outcome }, 'lead-magnet unsubscribe');
  return result.outcome;
}
