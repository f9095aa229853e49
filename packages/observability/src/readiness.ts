/** One dependency probe: resolves when the dependency answers, throws otherwise. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check in parallel with a timeout; `not_ready` names which ones failed. */
export async function checkReadiness(
  checks: ReadinessCheck[],
  onFailure?: (name: string) => void,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      const started = performance.now();
      try {
        await withTimeout(check(), CHECK_TIMEOUT_MS);
        return [name, { ok: true, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        onFailure?.(name);
        const message = error instanceof Error ? error.message : String(error);
        return [name, { ok: false, latencyMs: Math.round(performance.now() - started), error: message }] as const;
      }
    }),
  );
  const report = Object.fromEntries(results);
  return { status: results.every(([, r]) => r.ok) ? 'ready' : 'not_ready', checks: report };
}
