import DataLoader from 'dataloader';

export interface StatementBatcherOptions {
  /** Items per statement. */
  maxBatchSize?: number;
  /** Statements of this kind running at once; further calls wait and join the next batch. */
  maxInFlight?: number;
}

/**
 * Coalesces concurrent calls of one set-based statement: calls made while `maxInFlight`
 * statements run (or in the same tick) are answered by the next statement, in one round trip and
 * one commit instead of one each. `run` answers every item in order, with a value or an Error of
 * its own. When a statement of several items fails as a whole (a deadlock, a bad row), each item
 * is run alone so that one item's failure is not every caller's.
 */
export function createStatementBatcher<K, V>(
  run: (items: readonly K[]) => Promise<(V | Error)[]>,
  options: StatementBatcherOptions = {},
): (item: K) => Promise<V> {
  const maxInFlight = options.maxInFlight ?? 2;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const settle = async (items: readonly K[]) => {
    try {
      return await run(items);
    } catch (error) {
      if (items.length === 1) return [error as Error];
      return Promise.all(
        items.map((item) =>
          run([item]).then(
            (rows) => rows[0]!,
            (e: unknown) => e as Error,
          ),
        ),
      );
    }
  };
  const loader = new DataLoader<K, V, K>(
    async (items) => {
      inFlight++;
      try {
        return await settle(items);
      } finally {
        inFlight--;
        waiting.shift()?.();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 100,
      batchScheduleFn: (dispatch) => {
        if (inFlight < maxInFlight) setImmediate(dispatch);
        else waiting.push(dispatch);
      },
    },
  );
  return (item) => loader.load(item);
}
