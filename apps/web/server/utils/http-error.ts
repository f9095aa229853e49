import {
  AppError,
  HTTP_STATUS_BY_KIND,
  RateLimitedError,
  describeIssues,
  errorBody,
  type ErrorBody,
} from '@prospectflow/contracts';
import { ZodError, type z } from 'zod';

/** The fields of an h3 error this mapper reads (h3 wraps thrown errors, keeping them as `cause`). */
interface HttpErrorLike {
  statusCode?: number;
  statusMessage?: string;
  message?: string;
  data?: unknown;
  cause?: unknown;
  unhandled?: boolean;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
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

const JSON_ERROR_PATHS = /^\/(api\/|auth\/|health$|ready$|metrics$)/;

/** Paths whose errors answer (API, sign-in endpoints, probes) `{ error: { code, message, details? } }` instead of an HTML page. */
export function usesJsonErrors(path: string): boolean {
  return JSON_ERROR_PATHS.test(path.split('?')[0] ?? '');
}

// Same wording as the Express API's mapper (packages/http) so clients see one behaviour.
const INTERNAL: ErrorResponse = { status: 500, body: errorBody('internal_error', 'Something went wrong on our side') };

function zodIssuesOf(error: unknown): z.core.$ZodIssue[] | undefined {
  if (error instanceof ZodError) return error.issues;
  const issues = (error as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as z.core.$ZodIssue[]) : undefined;
}

function fromDomainError(error: AppError): ErrorResponse {
  if (error.kind === 'internal') return INTERNAL;
  const headers = error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : undefined;
  return {
    status: HTTP_STATUS_BY_KIND[error.kind],
    body: errorBody(error.code, error.message, error.details),
    headers,
  };
}

/** Maps anything a handler threw to a status and error body; 5xx never reveals internals. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const h3 = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  const cause = error instanceof AppError || error instanceof ZodError ? error : h3.cause;
  if (cause instanceof AppError) return fromDomainError(cause);
  if (cause instanceof ZodError)
    return { status: 400, body: errorBody('validation_failed', 'Request is invalid', describeIssues(cause.issues)) };
  const status = h3.statusCode ?? 500;
  if (status >= 500 || h3.unhandled) return INTERNAL;
  const issues = zodIssuesOf(h3.data);
  if (issues) return { status, body: errorBody('validation_failed', 'Request is invalid', describeIssues(issues)) };
  const dataCode = (h3.data as { code?: unknown } | undefined)?.code;
  const code = typeof dataCode === 'string' ? dataCode : (CODE_BY_STATUS[status] ?? `http_${status}`);
  return { status, body: errorBody(code, h3.statusMessage || h3.message || code) };
}
