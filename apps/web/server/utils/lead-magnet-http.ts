import { createHash } from 'node:crypto';
import type { H3Event } from 'h3';
import proxyaddr from 'proxy-addr';
import {
  ForbiddenError,
  PayloadTooLargeError,
  RateLimitedError,
  ValidationError,
  describeIssues,
} from '@prospectflow/contracts';
import type { z } from 'zod';
import type { RequestOrigin } from '@prospectflow/lead-magnet';
import type { WebConfig } from './config.js';
import { useLeadMagnet, type LeadMagnetLimit } from './lead-magnet-services.js';

/** Landing-page bodies are a few hundred bytes; anything much larger is not a signup. */
export const LEAD_MAGNET_BODY_LIMIT_BYTES = 16 * 1024;

type TrustFn = (address: string, hop: number) => boolean;
const trustFns = new WeakMap<WebConfig, TrustFn>();

/** Express's `trust proxy` rule compiled once per configuration. */
function trustOf(config: WebConfig): TrustFn {
  let trust = trustFns.get(config);
  if (!trust) {
    const setting = config.WEB_TRUST_PROXY;
    if (typeof setting === 'boolean') trust = () => setting;
    else if (typeof setting === 'number') trust = (_address, hop) => hop < setting;
    else trust = proxyaddr.compile(setting);
    trustFns.set(config, trust);
  }
  return trust;
}

/** The client address: X-Forwarded-For is believed only through the proxies `WEB_TRUST_PROXY` trusts. */
export function clientIp(event: H3Event): string {
  return proxyaddr(event.node.req, trustOf(useServices(event).config));
}

/** IP and user agent of the request, for the consent log. */
export function requestOrigin(event: H3Event): RequestOrigin {
  return { ip: clientIp(event), userAgent: getRequestHeader(event, 'user-agent')?.slice(0, 500) ?? null };
}

/** Counts one request against `limit` for `subject`; throws 429 (with Retry-After) when over. */
export async function enforceLimit(event: H3Event, limit: LeadMagnetLimit, subject: string): Promise<void> {
  const { limiters, counters } = useLeadMagnet(event);
  const decision = await limiters[limit].consume(subject);
  if (decision.allowed) return;
  counters.rateLimited.inc({ limit });
  throw new RateLimitedError(decision.resetSeconds, 'Trop de demandes : réessayez plus tard.');
}

/** The per-address limit key: a hash, so Redis never holds an address. */
export function emailSubject(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** Reads a small JSON body: 413 over the limit, 400 `invalid_json` when it does not parse. */
export async function readJsonBody(event: H3Event): Promise<unknown> {
  const declared = Number(getRequestHeader(event, 'content-length') ?? 0);
  if (declared > LEAD_MAGNET_BODY_LIMIT_BYTES) throw new PayloadTooLargeError();
  const raw = await readRawBody(event, 'utf8');
  if (raw && Buffer.byteLength(raw) > LEAD_MAGNET_BODY_LIMIT_BYTES) throw new PayloadTooLargeError();
  if (!raw) throw new ValidationError('A JSON body is required', undefined, 'invalid_json');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ValidationError('The body is not valid JSON', undefined, 'invalid_json');
  }
}

/** Parses `input` with a contract or throws a 400 `validation_failed` naming the bad fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid request', describeIssues(parsed.error.issues));
  return parsed.data;
}

function allowedOrigin(event: H3Event): string | undefined {
  const origin = getRequestHeader(event, 'origin');
  const { config } = useServices(event);
  const allowed = config.LEAD_MAGNET_CORS_ORIGINS.map((url) => new URL(url).origin);
  return origin && allowed.includes(origin) ? origin : undefined;
}

/**
 * CORS for the routes the landing page calls: an allowed `Origin` gets it echoed back; any
 * other origin gets no CORS header at all, and a write from it is refused (403) — requests
 * without `Origin` (same-origin pages, servers) pass.
 */
export function applyLeadMagnetCors(event: H3Event): void {
  appendResponseHeader(event, 'vary', 'Origin');
  const origin = allowedOrigin(event);
  if (origin) {
    setResponseHeader(event, 'access-control-allow-origin', origin);
    return;
  }
  const claimed = getRequestHeader(event, 'origin');
  if (claimed && claimed !== new URL(useServices(event).config.PUBLIC_BASE_URL).origin) {
    throw new ForbiddenError('This origin may not call the lead-magnet API', 'origin_not_allowed');
  }
}

/** Answers a CORS preflight: 204, with the allow headers only for an allowed origin. */
export function answerLeadMagnetPreflight(event: H3Event): void {
  appendResponseHeader(event, 'vary', 'Origin');
  const origin = allowedOrigin(event);
  if (origin) {
    setResponseHeaders(event, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': 600,
    });
  }
  sendNoContent(event, 204);
}
