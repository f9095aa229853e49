/**
 * Reorders items round-robin across their keys, keeping each key's own order:
 * `[a1, a2, a3, b1, c1]` → `[a1, b1, c1, a2, a3]`.
 */
export function interleaveBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const lane = lanes.get(key);
    if (lane) lane.push(item);
    else lanes.set(key, [item]);
  }
  const result: T[] = [];
  for (let round = 0; result.length < items.length; round++) {
    for (const lane of lanes.values()) if (round < lane.length) result.push(lane[round]!);
  }
  return result;
}
