const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
const TOKEN = /^[\w-]{20,}$/;

/** Replaces ids and tokens in a path so it can be a metric label or a log field. */
export function collapsePath(path: string): string {
  const [pathname = '/'] = path.split('?');
  return pathname
    .split('/')
    .map((segment) => (UUID.test(segment) || NUMBER.test(segment) ? ':id' : TOKEN.test(segment) ? ':token' : segment))
    .join('/');
}

/**
 * The `route` label of a request: Nitro's matched route pattern when there is one, else a
 * bounded stand-in (every unknown URL is `unmatched`, hashed assets share one label).
 */
export function routeLabel(matchedPattern: string | undefined, path: string, status: number): string {
  if (matchedPattern && matchedPattern !== '/**') return matchedPattern;
  if (status === 404) return 'unmatched';
  if (path.startsWith('/_nuxt/')) return '/_nuxt/**';
  return collapsePath(path);
}

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honours a well-formed incoming `X-Request-Id`, else returns a fresh UUID. */
export function resolveRequestId(incoming: string | undefined): string {
  return incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}
