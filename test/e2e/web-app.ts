import { pollUntil } from '@prospectflow/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = join(ROOT_DIR, 'apps/web');
const SERVER_ENTRY = join(WEB_DIR, '.output/server/index.mjs');
const BUILD_INPUTS = [
  'apps/web/app',
  'apps/web/server',
  'apps/web/shared',
  'apps/web/public',
  'apps/web/nuxt.config.ts',
  'apps/web/package.json',
  'packages',
  'pnpm-lock.yaml',
];
/** An allowed landing-page origin of the e2e web server, for requests that only claim it (fetch). */
export const LANDING_TEST_ORIGIN = 'https://landing.example';

const SKIPPED_DIRS = new Set(['node_modules', '.nuxt', '.output', 'test', 'dist']);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (!SKIPPED_DIRS.has(entry)) newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Runs `nuxt build` unless `.output` is newer than every source it is built from. */
export async function buildWebAppIfStale(): Promise<'built' | 'fresh'> {
  const builtAt = existsSync(SERVER_ENTRY) ? statSync(SERVER_ENTRY).mtimeMs : 0;
  const changedAt = Math.max(...BUILD_INPUTS.map((input) => newestMtime(join(ROOT_DIR, input))));
  if (builtAt > changedAt) return 'fresh';
  await run(join(WEB_DIR, 'node_modules/.bin/nuxt'), ['build'], { cwd: WEB_DIR, maxBuffer: 64 * 1024 * 1024 });
  return 'built';
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port assigned');
  return address.port;
}

export interface RunningService {
  baseUrl: string;
  stop: () => Promise<void>;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface ServiceSpec {
  name: string;
  args: string[];
  cwd: string;
  port: number;
  env: Record<string, string | undefined>;
  logFile: string;
}

/** Spawns a Node service, logs its output to `logFile` and waits until `/health` answers 200. */
async function startService(spec: ServiceSpec): Promise<RunningService> {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile);
  const child = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseUrl = `http://127.0.0.1:${spec.port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) child.kill('SIGKILL');
    log.end();
  };
  const healthy = async () => {
    if (child.exitCode !== null)
      throw new Error(`${spec.name} exited with code ${child.exitCode}; see ${spec.logFile}`);
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    return response?.ok ?? false;
  };
  try {
    await pollUntil(healthy, { timeoutMs: 30_000, intervalMs: 100, what: `${baseUrl}/health` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop };
}

function inheritedEnv(): Record<string, string | undefined> {
  // The runner's own ports and database must not leak into the services it starts.
  const { NITRO_PORT: _n, PORT: _p, API_PORT: _a, WORKER_PORT: _w, DATABASE_URL: _d, ...inherited } = process.env;
  return inherited;
}

/**
 * Starts the built server (`node .output/server/index.mjs`) and waits for `/health`.
 * `PUBLIC_BASE_URL` defaults to the server's own address, so same-origin checks pass.
 */
export async function startWebApp(
  env: Record<string, string>,
  logFile: string,
  options: { port?: number } = {},
): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  return startService({
    name: 'web server',
    args: [SERVER_ENTRY],
    cwd: WEB_DIR,
    port,
    logFile,
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'production',
      NITRO_HOST: '127.0.0.1',
      NITRO_PORT: String(port),
      NITRO_SHUTDOWN_TIMEOUT: '5000',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
  });
}

/** Starts the Express API from its sources (`node --import tsx apps/api/src/main.ts`) on a free port. */
export async function startApiApp(env: Record<string, string>, logFile: string): Promise<RunningService> {
  const port = await freePort();
  return startService({
    name: 'api',
    args: ['--import', 'tsx', 'apps/api/src/main.ts'],
    cwd: ROOT_DIR,
    port,
    logFile,
    env: { ...inheritedEnv(), NODE_ENV: 'test', API_HOST: '127.0.0.1', API_PORT: String(port), ...env },
  });
}

/** Starts the worker from its sources (`node --import tsx apps/worker/src/main.ts`); its health port is free. */
export async function startWorkerApp(env: Record<string, string>, logFile: string): Promise<RunningService> {
  const port = await freePort();
  return startService({
    name: 'worker',
    args: ['--import', 'tsx', 'apps/worker/src/main.ts'],
    cwd: ROOT_DIR,
    port,
    logFile,
    env: { ...inheritedEnv(), NODE_ENV: 'test', WORKER_HOST: '127.0.0.1', WORKER_PORT: String(port), ...env },
  });
}
