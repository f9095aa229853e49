import type { H3Event } from 'h3';
import { AppError } from '@prospectflow/contracts';
import { apiRequestHeaders } from './api-client.js';
import type { ActiveSession } from './session.js';

const PROXIED_PREFIX = '/api/v1/';
/** Sign-in endpoints are called by this server only; the browser never gets a token through the proxy. */
const BLOCKED_FIRST_SEGMENTS = new Set(['auth']);
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept-language', 'if-match', 'if-none-match', 'idempotency-key'];
const FORWARDED_RESPONSE_HEADER = /^(content-type|content-disposition|retry-after|ratelimit(-[a-z]+)?|etag|location)$/i;

/**
 * The API URL a dashboard call to `/api/v1/…` goes to, or undefined when it must not be proxied
 * (another prefix, dot segments that would climb out of /api/v1, sign-in endpoints).
 */
export function proxyTargetUrl(apiBaseUrl: string, requestPath: string): string | undefined {
  const queryStart = requestPath.indexOf('?');
  const pathname = queryStart === -1 ? requestPath : requestPath.slice(0, queryStart);
  const search = queryStart === -1 ? '' : requestPath.slice(queryStart);
  if (!pathname.startsWith(PROXIED_PREFIX)) return undefined;
  const segments = pathname.slice(PROXIED_PREFIX.length).split('/');
  const decoded = segments.map((segment) => safeDecode(segment));
  if (decoded.some((segment) => segment === undefined || segment === '.' || segment === '..' || /[/\\]/.test(segment)))
    return undefined;
  if (BLOCKED_FIRST_SEGMENTS.has(decoded[0] ?? '')) return undefined;
  return apiBaseUrl.replace(/\/+$/, '') + pathname + search;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The response headers of the API that reach the browser (status, body type, download name, rate limits). */
export function forwardedResponseHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (FORWARDED_RESPONSE_HEADER.test(name)) kept[name] = value;
  });
  return kept;
}

function requestHeaders(event: H3Event, session: ActiveSession): Record<string, string> {
  const headers = apiRequestHeaders(event, session);
  headers.accept = getRequestHeader(event, 'accept') ?? 'application/json';
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = getRequestHeader(event, name);
    if (value) headers[name] = value;
  }
  return headers;
}

/**
 * Sends the dashboard call to the API with the session's token and organisation (never the
 * browser's cookie or headers of its choosing) and relays status, body and rate-limit headers.
 * The request body goes through as raw bytes (JSON or an uploaded CSV file). Successful answers
 * that are not JSON (CSV downloads) are streamed; others are read first, for the checks below.
 * A 401 from the API means the token is no longer good: the session ends with it. A 403
 * `no_membership` drops the stale organisation choice (the call itself is not replayed).
 */
export async function forwardToApi(event: H3Event, target: string, session: ActiveSession) {
  const method = event.method;
  const raw = method === 'GET' || method === 'HEAD' ? undefined : await readRawBody(event, false);
  const body = raw ? new Uint8Array(raw) : undefined;
  const response = await fetch(target, {
    method,
    headers: requestHeaders(event, session),
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  }).catch(() => {
    throw new AppError('unavailable', 'api_unavailable', 'The API cannot be reached');
  });
  if (response.status === 401) await endWebSession(event);
  setResponseStatus(event, response.status);
  setResponseHeaders(event, { ...forwardedResponseHeaders(response.headers), 'cache-control': 'no-store' });
  if (response.status === 204 || response.status === 304 || method === 'HEAD') {
    await response.body?.cancel();
    return null;
  }
  if (response.ok && response.body && !isJson(response.headers)) return response.body;
  const payload = Buffer.from(await response.arrayBuffer());
  if (response.status === 403 && session.organisationId && errorCodeOf(payload) === 'no_membership') {
    // Removed from the organisation picked with the switcher: fall back to the API's default one.
    await saveActiveSession(event, { ...session, organisationId: undefined });
  }
  return payload;
}

function isJson(headers: Headers): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(headers.get('content-type') ?? '');
}

function errorCodeOf(payload: Buffer): string | undefined {
  try {
    return (JSON.parse(payload.toString('utf8')) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
