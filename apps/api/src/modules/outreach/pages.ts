import { decodeCursor, toPage } from '@prospectflow/contracts';
import type * as db from '@prospectflow/db';
import { z } from 'zod';

const Keyed = z.object({ k: z.string().max(1000), id: z.uuid() });
const TimeKeyed = z.object({ k: z.string().regex(/^-?\d{1,20}$/), id: z.uuid() });

/** Where a page of a list ordered by a timestamp (µs key) then id starts; a bad cursor is a 400. */
export function timeKeysetOf(cursor: string | undefined): db.Keyset | undefined {
  if (cursor === undefined) return undefined;
  const { k, id } = decodeCursor(cursor, TimeKeyed);
  return { key: k, id };
}

/** The text key of a list ordered by a unique text column (email, name). */
export function textKeyOf(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : decodeCursor(cursor, Keyed).k;
}

/** Cuts `limit + 1` keyed rows into a page; the sort key only travels in the cursor. */
export function keyedPage<T extends { id: string }>(rows: db.Keyed<T>[], limit: number) {
  const page = toPage(rows, limit, (row) => ({ k: row.sortKey, id: row.id }));
  return {
    items: page.items.map(({ sortKey: _sortKey, ...item }) => item as unknown as T),
    nextCursor: page.nextCursor,
  };
}

/** A page of a list ordered by a unique text key. */
export function textPage<T extends { id: string }>(rows: T[], limit: number, keyOf: (row: T) => string) {
  return toPage(rows, limit, (row) => ({ k: keyOf(row), id: row.id }));
}
