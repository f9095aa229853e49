import { NotFoundError } from '@prospectflow/contracts';

/**
 * Same-origin gateway from the dashboard to the Express API: every method, the session's token
 * and organisation added here (doc/WEB.md, "Proxy"). Cross-origin writes are refused first.
 */
export default defineEventHandler(async (event) => {
  assertSameOrigin(event);
  const target = proxyTargetUrl(useServices(event).config.API_BASE_URL, event.path);
  if (!target) throw new NotFoundError(`No route for ${event.method} ${event.path.split('?')[0]}`, 'route_not_found');
  const session = await requireActiveSession(event);
  return forwardToApi(event, target, session);
});
