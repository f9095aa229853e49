import { PharowItem } from '@prospectflow/contracts';
import { pharowItems } from '@prospectflow/testing';
import { describe, expect, it } from 'vitest';
import { normaliseFast } from '../src/ingest/fast-normalise.js';

// Values that sit on the edges of the schema's rules, tried in every field.
const TRICKY: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  ' x ',
  0,
  -0,
  1.5,
  42,
  -3,
  1e16,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  'true',
  'non',
  'OUI',
  '1 200',
  '12,5',
  '2024-02-30',
  '2024-02-03',
  '2024-02-03T10:00:00Z',
  '1999',
  '123456789',
  ' 123456789 ',
  '12345678901234',
  '1234567890123',
  'A@B.FR',
  ' Jean.Dupont@Example.fr ',
  'a@b',
  'a@@b.fr',
  'jean@exämple.fr',
  "o'neil@example.fr",
  'https://www.linkedin.com/in/x',
  'linkedin.com/in/jean',
  'HTTP://Example.FR/Path?q=1',
  'http://',
  'localhost',
  'ftp://example.fr',
  'https://exa mple.fr',
  "Robert'); DROP TABLE crm_people;--",
  'Nguyễn Zoé',
  'x'.repeat(50),
  'x'.repeat(51),
  'x'.repeat(501),
  'x'.repeat(2001),
  [],
  {},
  ['a'],
];

function expectSameAsZod(raw: unknown) {
  const fast = normaliseFast(raw);
  if (fast === undefined) return false;
  const zod = PharowItem.safeParse(raw);
  expect(zod.success, JSON.stringify(raw)).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  return true;
}

describe('normaliseFast', () => {
  it('returns what the zod schema returns for generated Pharow items, and takes the fast path for them', () => {
    const items = pharowItems(2000, { seed: 5 });
    const fast = items.filter((item) => expectSameAsZod(item)).length;
    expect(fast).toBe(items.length);
  });

  it('never accepts or changes what zod would not, for edge values in every field', () => {
    const base = pharowItems(1, { seed: 9 })[0]! as Record<string, unknown>;
    let fast = 0;
    for (const field of Object.keys(PharowItem.shape)) {
      for (const value of TRICKY) if (expectSameAsZod({ ...base, [field]: value })) fast += 1;
      if (expectSameAsZod(Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)))) fast += 1;
    }
    // Most edge values still take the fast path; the rest are left to zod.
    expect(fast).toBeGreaterThan(500);
  });

  it('leaves everything that is not a plain object to zod', () => {
    for (const raw of [null, undefined, 'item', 3, [], [pharowItems(1)[0]]]) expect(normaliseFast(raw)).toBeUndefined();
  });

  it('drops unknown keys like zod', () => {
    expect(expectSameAsZod({ ...pharowItems(1)[0], extra: 'x', __proto__: { positionEmail: 'x' } })).toBe(true);
  });
});
