import type { H3Event } from 'h3';

function recordRequest(event: H3Event, startedAt: number): void {
  const { services } = event.context;
  if (!services) return; // runs in a socket listener: a throw here would crash the process
  const { logger, metrics } = services;
  const status = event.node.res.statusCode;
  const route = routeLabel(event.context.matchedRoute?.path, event.path, status);
  const seconds = (performance.now() - startedAt) / 1000;
  metrics.httpDuration.observe({ method: event.method, route, status: String(status) }, seconds);
  // Hashed bundle files would add a dozen lines per page view: they log at debug only.
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : route === '/_nuxt/**' ? 'debug' : 'info';
  logger[level](
    { requestId: event.context.requestId, method: event.method, route, status, durationMs: Math.round(seconds * 1000) },
    'request completed',
  );
}

/** Request id (echoed as `X-Request-Id`), one log line and one histogram sample per request. */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    const requestId = resolveRequestId(getRequestHeader(event, 'x-request-id'));
    event.context.requestId = requestId;
    setResponseHeader(event, 'x-request-id', requestId);
    const startedAt = performance.now();
    // 'close' fires for every response, including errors answered by the error handler.
    event.node.res.once('close', () => recordRequest(event, startedAt));
  });
  nitroApp.hooks.hook('error', (error, { event }) => {
    // h3 wraps a thrown domain error (401, 403…) as a 500 keeping it as `cause`: map it first.
    if (!event || toErrorResponse(error).status < 500) return;
    event.context.services.logger.error({ err: error, requestId: event.context.requestId }, 'request failed');
  });
});
