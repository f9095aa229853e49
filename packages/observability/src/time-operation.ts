import type { Logger } from 'pino';

const SLOW_MS = 1000;

/** Runs `fn`, logs its duration at debug, or at warn when it took longer than a second. */
export async function timeOperation<T>(
  log: Logger,
  name: string,
  fn: () => Promise<T>,
  context: Record<string, unknown> = {},
): Promise<T> {
  const started = performance.now();
  let failed = false;
  try {
    return await fn();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const durationMs = Math.round(performance.now() - started);
    const fields = { ...context, operation: name, durationMs, failed };
    if (durationMs > SLOW_MS) log.warn(fields, 'slow operation');
    else log.debug(fields, 'operation timed');
  }
}
