type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Calls `probe` until it returns a truthy value and returns that value; throws after
 * `timeoutMs` naming `what`. Tests wait for asynchronous effects with this, never a fixed sleep.
 */
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  {
    timeoutMs = 10_000,
    intervalMs = 20,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`pollUntil timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
