import type { H3Event } from 'h3';
import { AppError, ErrorBody, type ErrorKind } from '@prospectflow/contracts';
import type { z } from 'zod';

export interface ApiCall {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Bearer token of the operator (never logged). */
  token?: string;
  organisationId?: string;
}

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'unprocessable',
  429: 'rate_limited',
};

/** An error answer of the API, kept with its status so callers can decide what to show. */
export class ApiCallError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(KIND_BY_STATUS[status] ?? 'unavailable', code, message);
  }
}

/** The headers every call from this server to the API carries. */
export function apiRequestHeaders(event: H3Event, call: Pick<ApiCall, 'token' | 'organisationId'>) {
  const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': event.context.requestId };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.organisationId) headers['x-organisation-id'] = call.organisationId;
  return headers;
}

/** Calls the API from the web server (sign-in, organisation checks) and parses the answer. */
export async function callApi<S extends z.ZodType>(
  event: H3Event,
  path: string,
  schema: S,
  call: ApiCall = {},
): Promise<z.infer<S>> {
  const { config } = useServices(event);
  const headers = apiRequestHeaders(event, call);
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, config.API_BASE_URL), {
    method: call.method ?? 'GET',
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => {
    throw new AppError('unavailable', 'api_unavailable', 'The API cannot be reached');
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    const { code, message } = error.success ? error.data.error : { code: `http_${response.status}`, message: '' };
    throw new ApiCallError(response.status, code, message || `API answered ${response.status}`);
  }
  return schema.parse(body);
}
