import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { AppError, HTTP_STATUS_BY_KIND, RateLimitedError, describeIssues, errorBody } from '@prospectflow/contracts';
import type { Logger } from '@prospectflow/observability';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function bodyParserErrorOf(error: unknown): BodyParserError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  return error as BodyParserError;
}

/** Unknown routes answer 404 in the common error shape. */
export function notFoundHandler(req: Request, res: Response) {
  res.status(404).json(errorBody('route_not_found', `No route for ${req.method} ${req.path}`));
}

/** Maps every error to `{ error: { code, message, details? } }`; 500s never expose internals. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ZodError) {
      res.status(400).json(errorBody('validation_failed', 'Request is invalid', describeIssues(error.issues)));
      return;
    }
    if (error instanceof AppError) {
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      res.status(HTTP_STATUS_BY_KIND[error.kind]).json(errorBody(error.code, error.message, error.details));
      return;
    }
    const parser = bodyParserErrorOf(error);
    if (parser?.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('malformed_json', 'Request body is not valid JSON'));
      return;
    }
    if (parser?.type === 'entity.too.large') {
      res.status(413).json(errorBody('payload_too_large', 'Request body too large', { limitBytes: parser.limit }));
      return;
    }
    if (parser?.type && parser.status && parser.status < 500) {
      res.status(parser.status).json(errorBody('bad_request', 'Request body could not be read'));
      return;
    }
    logger.error({ err: error, requestId: req.id, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('internal_error', 'Something went wrong on our side'));
  };
}
