import {
  createStatementBatcher,
  getDraftContexts,
  storeDrafts,
  type DraftContext,
  type DraftToStore,
  type Pool,
} from '@prospectflow/db';

export interface DraftStatements {
  /** `getDraftContext`, coalesced with concurrent calls into one statement. */
  context: (key: { organisationId: string; taskId: string }) => Promise<DraftContext | null>;
  /** `storeDraft`, coalesced with concurrent calls into one statement (and one commit). */
  store: (item: DraftToStore) => Promise<{ settled: boolean; messageId: string | null }>;
}

const BATCHING = { maxBatchSize: 100, maxInFlight: 2 };
const byPool = new WeakMap<Pool, DraftStatements>();

/** The draft stage's two statements for `pool`, batched across concurrent draft jobs (one pair per pool). */
export function draftStatements(pool: Pool): DraftStatements {
  let statements = byPool.get(pool);
  if (!statements) {
    statements = {
      context: createStatementBatcher((keys) => getDraftContexts(pool, keys), BATCHING),
      store: createStatementBatcher((items) => storeDrafts(pool, items), BATCHING),
    };
    byPool.set(pool, statements);
  }
  return statements;
}
