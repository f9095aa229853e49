import type { LocationQuery } from 'vue-router';

/** The first non-blank value of a query parameter (`?x=a&x=b` → `a`). */
export function queryText(query: LocationQuery, key: string): string | undefined {
  const value = query[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

/** The sort a column header asks for: same field flips the direction, a new field starts with its default one. */
export function toggledSort(current: string, field: string, descendingFirst = false): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return field;
  return descendingFirst ? `-${field}` : field;
}

/**
 * Cursors of the pages before the current one ('' is the first page), after moving from cursor
 * `before` to cursor `after` of the same list. Going back to the cursor on top pops it (the
 * "Previous" button and the browser's back button alike); any other move pushes where we were.
 */
export function movedCursorStack(stack: readonly string[], before: string, after: string): string[] {
  if (before === after) return [...stack];
  if (stack.at(-1) === after) return stack.slice(0, -1);
  return [...stack, before];
}
