import { AppError, HTTP_STATUS_BY_KIND, describeIssues, errorBody, type ErrorBody } from '@prospectflow/contracts';
import type { z } from 'zod';

/** The fields of an h3 error this mapper reads (h3 wraps thrown errors, keeping them as `cause`). */
interface HttpErrorLike {
  statusCode?: number;
  statusMessage?: string;
  message?: string;
  data?: unknown;
  cause?: unknown;
  unhandled?: boolean;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const JSON_ERROR_PATHS = /^\/(api\/|health$|ready$|metrics$)/;

/** Paths whose errors answer `{ error: { code, message, details? } }` instead of an HTML page. */
export function usesJsonErrors(path: string): boolean {
  return JSON_ERROR_PATHS.test(path.split('?')[0] ?? '');
}

const INTERNAL = { status: 500, body: errorBody('internal_error', 'Internal server error') };

function hasIssues(data: unknown): data is { issues: z.core.$ZodIssue[] } {
  return typeof data === 'object' && data !== null && Array.isArray((data as { issues?: unknown }).issues);
}

/** Maps anything a handler threw to a status and error body; 5xx never reveals internals. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  const h3 = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  const domain = error instanceof AppError ? error : h3.cause instanceof AppError ? h3.cause : undefined;
  if (domain) {
    const status = HTTP_STATUS_BY_KIND[domain.kind];
    return domain.kind === 'internal' ? INTERNAL : { status, body: errorBody(domain.code, domain.message, domain.details) };
  }
  const status = h3.statusCode ?? 500;
  if (status >= 500 || h3.unhandled) return INTERNAL;
  if (hasIssues(h3.data)) return { status, body: errorBody('validation_failed', 'Invalid request', describeIssues(h3.data.issues)) };
  const code = CODE_BY_STATUS[status] ?? `http_${status}`;
  return { status, body: errorBody(code, h3.statusMessage || h3.message || code) };
}
