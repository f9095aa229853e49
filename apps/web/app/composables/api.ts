import type { ErrorBody } from '@prospectflow/contracts';

interface FetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON, or raw bytes (a CSV file) sent as they are with their own `content-type` header. */
  body?: Record<string, unknown> | Blob;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** The HTTP status of a failed `$fetch`, if it got an answer. */
export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number; response?: { status?: number } })?.response?.status;
}

const FRIENDLY_MESSAGES: Record<string, string> = {
  last_admin: 'An organisation needs at least one admin: make someone else admin first.',
  already_member: 'This person is already a member of the organisation.',
  forbidden: 'Your role does not allow this action.',
  rate_limited: 'Too many requests: wait a moment and try again.',
  cross_origin_request: 'The request was refused: reload the page and try again.',
};

/** A message to show for a failed API call: known codes get a friendly sentence, else the API's message. */
export function apiErrorMessage(error: unknown): string {
  const body = (error as { data?: Partial<ErrorBody> })?.data?.error;
  if (body?.code && FRIENDLY_MESSAGES[body.code]) return FRIENDLY_MESSAGES[body.code]!;
  const detail = (body?.details as { message?: string }[] | undefined)?.[0]?.message;
  if (body?.code === 'validation_failed' && detail) return detail;
  return body?.message ?? 'Something went wrong; try again.';
}

/**
 * Calls the same-origin API proxy (cookies forwarded during SSR). A 401 means the session is
 * gone: the operator goes back to the login page.
 */
export function useApi() {
  const fetcher = useRequestFetch();
  const nuxtApp = useNuxtApp();
  return async function api<T>(path: string, options: FetchOptions = {}): Promise<T> {
    try {
      return (await fetcher(path, options)) as T;
    } catch (error) {
      if (statusOf(error) === 401) await nuxtApp.runWithContext(() => signedOut());
      throw error;
    }
  };
}

async function signedOut(): Promise<void> {
  useMe().value = null;
  if (import.meta.client) await reloadNuxtApp({ path: '/login', force: true });
  else await navigateTo('/login');
}
