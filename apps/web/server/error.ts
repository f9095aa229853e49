/**
 * First Nitro error handler (registered in nuxt.config): answers the JSON error shape for API
 * and probe routes, and leaves every other path to Nuxt's HTML error page.
 */
export default defineNitroErrorHandler((error, event) => {
  if (!usesJsonErrors(event.path)) return;
  const { status, body, headers } = toErrorResponse(error);
  setResponseStatus(event, status);
  setResponseHeaders(event, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
  return send(event, JSON.stringify(body));
});
