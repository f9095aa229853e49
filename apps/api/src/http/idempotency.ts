import { createHash } from 'node:crypto';
import { ConflictError, ValidationError } from '@prospectflow/contracts';
import type { Logger } from '@prospectflow/observability';
import type { Redis } from '@prospectflow/redis';

const TTL_SECONDS = 24 * 3600;
const PENDING_TTL_SECONDS = 300;

interface Stored {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
}

export type IdempotencyStart = { replay: { status: number; body: unknown } } | { replay: null; finish: Finish };
type Finish = { complete(status: number, body: unknown): Promise<void>; abandon(): Promise<void> };

const KEY_PATTERN = /^[\w.:-]{1,200}$/;

/**
 * `Idempotency-Key` for one scope (organisation + route): the first request runs and its answer
 * is kept 24 h; a retry with the same key and body gets that answer again without re-applying;
 * the same key with another body is 409 `idempotency_key_reused`; a retry while the first is still running is 409.
 * Redis down → the request runs anyway (logged): the ingest it guards is itself idempotent.
 */
export async function startIdempotent(
  deps: { redis: Redis; logger: Logger },
  scope: string,
  key: string | undefined,
  payload: unknown,
): Promise<IdempotencyStart> {
  const noop: Finish = { complete: async () => undefined, abandon: async () => undefined };
  if (key === undefined) return { replay: null, finish: noop };
  if (!KEY_PATTERN.test(key))
    throw new ValidationError(
      'Idempotency-Key must be 1–200 characters of [A-Za-z0-9_.:-]',
      undefined,
      'invalid_idempotency_key',
    );
  const redisKey = `pf:idem:${scope}:${key}`;
  const fingerprint = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
  try {
    const pending: Stored = { state: 'pending', fingerprint };
    const claimed = await deps.redis.set(redisKey, JSON.stringify(pending), 'EX', PENDING_TTL_SECONDS, 'NX');
    if (!claimed) {
      const stored = JSON.parse((await deps.redis.get(redisKey)) ?? 'null') as Stored | null;
      if (stored && stored.fingerprint !== fingerprint) {
        throw new ConflictError(
          'This Idempotency-Key was used with a different request body',
          'idempotency_key_reused',
        );
      }
      if (stored?.state === 'done') return { replay: { status: stored.status!, body: stored.body } };
      throw new ConflictError(
        'A request with this Idempotency-Key is still being processed',
        'idempotency_in_progress',
      );
    }
  } catch (error) {
    if (error instanceof ConflictError) throw error;
    deps.logger.error({ err: error }, 'idempotency store unavailable, processing without replay protection');
    return { replay: null, finish: noop };
  }
  return {
    replay: null,
    finish: {
      complete: async (status, body) => {
        const done: Stored = { state: 'done', fingerprint, status, body };
        await deps.redis.set(redisKey, JSON.stringify(done), 'EX', TTL_SECONDS).catch((err: unknown) => {
          deps.logger.error({ err }, 'could not store idempotent response');
        });
      },
      abandon: async () => {
        await deps.redis.del(redisKey).catch(() => undefined);
      },
    },
  };
}
