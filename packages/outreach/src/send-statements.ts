import {
  createStatementBatcher,
  guardSends,
  recordSentBatch,
  type GuardSendItem,
  type GuardedSend,
  type Pool,
  type SentItem,
} from '@prospectflow/db';

export interface SendStatements {
  /** `guardSends` for one send, coalesced with the concurrent sends' guards. */
  guard: (item: GuardSendItem) => Promise<GuardedSend | null>;
  /** `recordSentBatch` for one send, coalesced with the concurrent sends' records. */
  recordSent: (item: SentItem) => Promise<void>;
}

const byPool = new WeakMap<Pool, SendStatements>();

/**
 * The send path's two hot statements for a pool, each shared by the concurrent send jobs: under
 * load one statement (and one commit) serves many sends instead of one each. Per pool, so every
 * caller of `sendTask` with the same pool shares them.
 */
export function sendStatements(pool: Pool): SendStatements {
  let statements = byPool.get(pool);
  if (!statements) {
    statements = {
      guard: createStatementBatcher((items) => guardSends(pool, items)),
      recordSent: createStatementBatcher(async (items) => {
        await recordSentBatch(pool, items);
        return items.map(() => undefined);
      }),
    };
    byPool.set(pool, statements);
  }
  return statements;
}
