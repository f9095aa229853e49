import type { LocationQueryRaw } from 'vue-router';

export const PAGE_SIZES = [10, 25, 50, 100] as const;

interface ListRouteOptions {
  /** Query parameters the list forwards to the API besides `sort`, `limit` and `cursor`. */
  filters: readonly string[];
  defaultSort: string;
  defaultLimit?: number;
}

/**
 * A list page's state lives in the URL (search, filters, sort, page size, cursor): a reload, the
 * back button or a shared link show the same list. Keyset pagination keeps a stack of the
 * cursors before the current page so "Previous" can go back; changing the list resets it.
 */
export function useListRoute(options: ListRouteOptions) {
  const route = useRoute();
  const router = useRouter();
  const defaultLimit = options.defaultLimit ?? 25;

  const filters = computed(() => {
    const values: Record<string, string> = {};
    for (const key of options.filters) {
      const value = queryText(route.query, key);
      if (value) values[key] = value;
    }
    return values;
  });
  const sort = computed(() => queryText(route.query, 'sort') ?? options.defaultSort);
  const limit = computed(() => {
    const value = Number(queryText(route.query, 'limit'));
    return Number.isInteger(value) && value >= 1 && value <= 200 ? value : defaultLimit;
  });
  const cursor = computed(() => queryText(route.query, 'cursor'));
  /** What the API is asked for; its JSON is the data key, so only a real change refetches. */
  const apiQuery = computed(() => {
    const query: Record<string, string> = { ...filters.value, sort: sort.value, limit: String(limit.value) };
    if (cursor.value) query.cursor = cursor.value;
    return query;
  });
  const listKey = computed(() => JSON.stringify({ ...apiQuery.value, cursor: undefined }));

  const cursorStack = ref<string[]>([]);
  watch([listKey, cursor], ([key, after], [keyBefore, before]) => {
    cursorStack.value = key === keyBefore ? movedCursorStack(cursorStack.value, before ?? '', after ?? '') : [];
  });

  function navigate(query: LocationQueryRaw, replace: boolean) {
    const cleaned = Object.fromEntries(
      Object.entries(query).filter(([, value]) => value !== undefined && value !== ''),
    );
    return replace ? router.replace({ query: cleaned }) : router.push({ query: cleaned });
  }

  return {
    filters,
    sort,
    limit,
    cursor,
    apiQuery,
    /** Changes search, filters, sort or page size and goes back to the first page. */
    update(changes: Record<string, string | undefined>, { replace = false } = {}) {
      return navigate({ ...route.query, ...changes, cursor: undefined }, replace);
    },
    next(nextCursor: string) {
      return navigate({ ...route.query, cursor: nextCursor }, false);
    },
    /** Back one page; after a reload deep in the list (empty stack) that is the first page. */
    previous() {
      return navigate({ ...route.query, cursor: cursorStack.value.at(-1) || undefined }, false);
    },
    hasPrevious: computed(() => cursor.value !== undefined),
  };
}
