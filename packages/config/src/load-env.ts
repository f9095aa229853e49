import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Raised when the environment does not satisfy an app's schema; lists every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Finds the nearest `.env` walking up from `cwd` (the repo root when run from an app folder). */
function findDotEnv(cwd: string): string | undefined {
  let dir = cwd;
  for (let i = 0; i < 5; i++) {
    const candidate = resolve(dir, '.env');
    if (existsSync(candidate)) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Parses configuration once: the process environment wins, then `.env` fills the gaps.
 * Throws ConfigError listing every missing or invalid variable.
 */
export function loadEnv<S extends z.ZodType>(
  schema: S,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; dotenv?: boolean } = {},
): z.infer<S> {
  const env = options.env ?? process.env;
  const fromFile: Record<string, string> = {};
  if (options.dotenv !== false) {
    const file = findDotEnv(options.cwd ?? process.cwd());
    if (file) Object.assign(fromFile, stripEmpty(parse(readFileSync(file))));
  }
  const merged = { ...fromFile, ...stripEmpty(env) };
  const result = schema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  return result.data;
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

/** Loads an app's configuration or exits the process with every problem listed (start-up only). */
export function loadConfigOrExit<T>(app: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${app}: ${error.message}`);
    process.exit(1);
  }
}
