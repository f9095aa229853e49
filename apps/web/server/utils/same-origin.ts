import type { H3Event } from 'h3';
import { ForbiddenError } from '@prospectflow/contracts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * CSRF rule for cookie-authenticated requests: a state-changing method must come from a page of
 * our own origin, proven by `Origin` (or `Referer` when a browser omits it). Neither → refused.
 */
export function isSameOriginRequest(
  method: string,
  headers: { origin?: string; referer?: string },
  publicOrigin: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  // An `Origin: null` (sandboxed frame, privacy redirect) is not ours: no fallback to Referer then.
  const claimed = originOf(headers.origin ?? headers.referer);
  return claimed !== undefined && claimed === originOf(publicOrigin);
}

/** Throws a 403 `cross_origin_request` unless the request passes `isSameOriginRequest`. */
export function assertSameOrigin(event: H3Event): void {
  const headers = { origin: getRequestHeader(event, 'origin'), referer: getRequestHeader(event, 'referer') };
  if (isSameOriginRequest(event.method, headers, useServices(event).config.PUBLIC_BASE_URL)) return;
  throw new ForbiddenError('Cross-origin request refused', 'cross_origin_request');
}
