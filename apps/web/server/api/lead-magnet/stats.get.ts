import { getStats } from '@prospectflow/lead-magnet';

/** Operators: the lead-magnet KPIs beside their targets, signups per day and per source. */
export default defineEventHandler(async (event) => {
  await requireLeadMagnetOperator(event);
  const { days } = parseInput(StatsQuery, getQuery(event));
  return getStats(useServices(event).pool, new Date(Date.now() - days * 86_400_000));
});
