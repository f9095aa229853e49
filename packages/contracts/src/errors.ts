import { z } from 'zod';

/** The JSON body of every error answer, on every transport. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** What kind of failure an AppError is; each transport maps kinds to its own status codes. */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** Base of the typed errors domain code throws; `code` is machine-readable and stable. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super('validation', code, message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthenticated') {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed', code = 'forbidden') {
    super('forbidden', code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', code = 'not_found') {
    super('not_found', code, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super('conflict', code, message, details);
  }
}

/** Well-formed, but the target's state does not allow it (e.g. starting an incomplete campaign): 422. */
export class UnprocessableError extends AppError {
  constructor(message: string, code: string, details?: unknown) {
    super('unprocessable', code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'Request body too large', details?: unknown) {
    super('payload_too_large', 'payload_too_large', message, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests',
  ) {
    super('rate_limited', 'rate_limited', message, { retryAfterSeconds });
  }
}

export class UnavailableError extends AppError {
  constructor(message = 'Service unavailable', details?: unknown) {
    super('unavailable', 'unavailable', message, details);
  }
}

/** Builds the error body; keeps `details` out when there are none. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** HTTP status for each error kind, shared by the Express and Nitro mappers. */
export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Zod issues reduced to what a client needs: path, message, code. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, code: issue.code }));
}
