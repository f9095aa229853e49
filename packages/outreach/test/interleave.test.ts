import { describe, expect, it } from 'vitest';
import { interleaveBy } from '../src/interleave.js';

describe('interleaveBy', () => {
  it('takes one item per key in turn, keeping each key’s order', () => {
    const items = ['a1', 'a2', 'a3', 'b1', 'c1', 'b2'];
    expect(interleaveBy(items, (item) => item[0]!)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('keeps a single key or an empty list unchanged', () => {
    expect(interleaveBy(['x1', 'x2'], () => 'x')).toEqual(['x1', 'x2']);
    expect(interleaveBy([], () => 'x')).toEqual([]);
  });
});
