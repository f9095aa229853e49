import { TerminalError } from './errors.js';
import { RETRY_LEVEL_HEADER } from './topology.js';

/** Which delivery of the job this copy is (1-based; absent means 1). */
export const ATTEMPT_HEADER = 'x-attempt';
export const DEAD_REASON_HEADER = 'x-dead-reason';
export const DEAD_ERROR_HEADER = 'x-dead-error';
export const ERROR_CODE_HEADER = 'x-error-code';
export const ORIGINAL_QUEUE_HEADER = 'x-original-queue';

/** Headers that describe one broker-side copy of a message; a republished copy must not inherit them. */
const COPY_HEADERS = new Set([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
  RETRY_LEVEL_HEADER,
]);
const MAX_ERROR_LENGTH = 1000;

export type DeadReason = 'terminal' | 'max-deliveries' | 'invalid-json' | 'invalid-payload';

export type FailureDecision =
  | { action: 'retry'; level: number; delayMs: number; error: string; code?: string }
  | { action: 'dead'; reason: DeadReason; error: string; code?: string };

function toCount(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

/** The delivery number of a message: our attempt header plus the quorum queue's redelivery count. */
export function deliveryAttempt(headers: Record<string, unknown> | undefined): number {
  return Math.max(1, toCount(headers?.[ATTEMPT_HEADER])) + toCount(headers?.['x-delivery-count']);
}

/** A short, header-safe description of anything thrown. */
export function describeError(error: unknown): { error: string; code?: string } {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const candidate = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const code = typeof candidate === 'string' ? candidate : undefined;
  const text = message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
  return code === undefined ? { error: text } : { error: text, code };
}

/** A decision to dead-letter a job for `reason`. */
export function deadLetter(reason: DeadReason, error: unknown): FailureDecision {
  return { action: 'dead', reason, ...describeError(error) };
}

/** Decides what happens to a job whose handler threw on delivery `attempt`: retry after a delay, or dead-letter. */
export function classifyFailure(error: unknown, attempt: number, retryDelaysMs: readonly number[]): FailureDecision {
  if (error instanceof TerminalError) return deadLetter('terminal', error);
  const delayMs = retryDelaysMs[attempt - 1];
  if (delayMs === undefined) return deadLetter('max-deliveries', error);
  return { action: 'retry', level: attempt, delayMs, ...describeError(error) };
}

/** Headers for a republished copy: the caller's headers without per-copy broker headers, plus `extra`. */
export function republishHeaders(
  original: Record<string, unknown> | undefined,
  extra: Record<string, string | number>,
): Record<string, unknown> {
  const kept = Object.entries(original ?? {}).filter(([key]) => !COPY_HEADERS.has(key));
  return { ...Object.fromEntries(kept), ...extra };
}

/** Headers recording why and where a job was dead-lettered. */
export function deadHeaders(
  decision: Extract<FailureDecision, { action: 'dead' }>,
  queue: string,
  attempt: number,
): Record<string, string | number> {
  return {
    [DEAD_REASON_HEADER]: decision.reason,
    [DEAD_ERROR_HEADER]: decision.error,
    ...(decision.code === undefined ? {} : { [ERROR_CODE_HEADER]: decision.code }),
    [ORIGINAL_QUEUE_HEADER]: queue,
    [ATTEMPT_HEADER]: attempt,
  };
}
