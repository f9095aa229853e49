import { describe, expect, it } from 'vitest';
import { batchMessages } from '../src/imap/imap-session.js';

const listed = (sizes: number[]) => sizes.map((size, i) => ({ uid: i + 1, size }));
const uids = (batches: { uid: number }[][]) => batches.map((batch) => batch.map((m) => m.uid));

describe('batchMessages', () => {
  it('cuts batches at the message count', () => {
    expect(uids(batchMessages(listed([1, 1, 1, 1, 1]), 2, 1000))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('cuts batches before the byte budget is exceeded, but never leaves a large message out', () => {
    expect(uids(batchMessages(listed([400, 400, 400, 5000, 10]), 50, 1000))).toEqual([[1, 2], [3], [4], [5]]);
  });

  it('returns no batch for no message', () => {
    expect(batchMessages([], 10, 1000)).toEqual([]);
  });
});
