import { describe, expect, it, vi } from 'vitest';
import { createStatementBatcher } from '@prospectflow/db';

/** A promise with its resolve function, to hold a statement running. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createStatementBatcher', () => {
  it('answers the calls made while a statement runs with ONE following statement', async () => {
    const gate = deferred();
    const run = vi.fn(async (items: readonly number[]) => {
      if (items[0] === 1) await gate.promise;
      return items.map((n) => n * 10);
    });
    const call = createStatementBatcher(run, { maxInFlight: 1 });

    const first = call(1);
    await tick();
    expect(run.mock.calls).toEqual([[[1]]]);
    // Made across several ticks while the first statement runs: they all wait for the next one.
    const later = [call(2), call(3)];
    await tick();
    later.push(call(4));
    await tick();
    expect(run).toHaveBeenCalledTimes(1);

    gate.resolve();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(run.mock.calls).toEqual([[[1]], [[2, 3, 4]]]);
  });

  it('rejects only the caller whose item got an Error', async () => {
    const run = vi.fn(async (items: readonly string[]) =>
      items.map((item) => (item === 'bad' ? new Error(`no ${item}`) : item.toUpperCase())),
    );
    const call = createStatementBatcher(run);
    const results = await Promise.allSettled([call('a'), call('bad'), call('c')]);
    expect(run).toHaveBeenCalledTimes(1);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('no bad') },
      { status: 'fulfilled', value: 'C' },
    ]);
  });

  it('runs each item alone when a statement of several fails, so only the failing item rejects', async () => {
    const run = vi.fn(async (items: readonly string[]) => {
      if (items.length > 1) throw new Error('deadlock detected');
      if (items[0] === 'bad') throw new Error('bad row');
      return items.map((item) => item.toUpperCase());
    });
    const call = createStatementBatcher(run);
    const results = await Promise.allSettled([call('a'), call('bad'), call('c')]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('bad row') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(run.mock.calls).toEqual([[['a', 'bad', 'c']], [['a']], [['bad']], [['c']]]);
  });

  it('cuts batches at maxBatchSize', async () => {
    const run = vi.fn(async (items: readonly number[]) => [...items]);
    const call = createStatementBatcher(run, { maxBatchSize: 2 });
    expect(await Promise.all([call(1), call(2), call(3)])).toEqual([1, 2, 3]);
    expect(run.mock.calls).toEqual([[[1, 2]], [[3]]]);
  });
});
