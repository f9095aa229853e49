import type { H3Event } from 'h3';
import { z } from 'zod';

/** Query of the operator's subscriber list (`page` from 1). */
export const SubscriberListQuery = z.strictObject({
  status: z.enum(['pending', 'confirmed', 'unsubscribed', 'bounced']).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** Query of the stats route: the window, in days back from now. */
export const StatsQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });

/** The `:id` of a subscriber route, checked before any query (400 when not a UUID). */
export function subscriberIdParam(event: H3Event): string {
  return parseInput(z.object({ id: z.uuid() }), getRouterParams(event)).id;
}
