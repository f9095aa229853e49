import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, dropDatabase, ensureDatabase, migrate, withDatabaseName } from '@prospectflow/db';
import { pharowItems } from '@prospectflow/testing';
import { benchEnv, printTable } from './support.js';
import { baselineInsert } from './ingest-baseline.js';
import { buildNodeApp } from '../scripts/build-node-app.js';

// Full HTTP path (API in its own process, as in production) against a baseline that writes the
// same rows with one plain SQL statement, in the same run on the same database server.
const env = benchEnv();
const dbName = `prospectflow_bench_ingest_${Date.now()}`;
const url = withDatabaseName(env.DATABASE_URL, dbName);
await ensureDatabase(url);
await migrate(url);
const pool = createPool({ connectionString: url, max: 4 });

const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, () => {
    const p = (probe.address() as { port: number }).port;
    probe.close(() => resolve(p));
  });
});
const generous = '1000000/60';
// By default the API runs as in production: the esbuild bundle (rebuilt now, so never stale),
// started with the Node flags of `pnpm --filter @prospectflow/api start`.
// INGEST_BENCH_API_ENTRY=apps/api/src/main.ts runs the TypeScript sources under tsx instead; any
// other entry (e.g. a bundle built elsewhere) is run as is.
// INGEST_BENCH_API_NODE_FLAGS replaces the Node flags of the API process (e.g.
// `--max-old-space-size=256` for heap sizing experiments; empty for none).
const { apiEntry, apiNodeFlags } = await apiCommand();
async function apiCommand(): Promise<{ apiEntry: string[]; apiNodeFlags: string[] }> {
  const overrideFlags = process.env.INGEST_BENCH_API_NODE_FLAGS?.split(' ').filter(Boolean);
  const entry = process.env.INGEST_BENCH_API_ENTRY;
  if (entry?.endsWith('.ts')) return { apiEntry: ['--import', 'tsx', entry], apiNodeFlags: overrideFlags ?? [] };
  if (entry) return { apiEntry: [entry], apiNodeFlags: overrideFlags ?? [] };
  const { outfile } = await buildNodeApp('apps/api');
  const { scripts } = JSON.parse(readFileSync('apps/api/package.json', 'utf8')) as { scripts: { start: string } };
  const start = scripts.start.split(' ').filter(Boolean);
  if (start[0] !== 'node' || start.at(-1) !== 'dist/main.js') {
    throw new Error(`apps/api start script is not "node [flags] dist/main.js": ${start.join(' ')}`);
  }
  return { apiEntry: [outfile], apiNodeFlags: overrideFlags ?? start.slice(1, -1) };
}
console.log(`API process: node ${[...apiNodeFlags, ...apiEntry].join(' ')}`);
const api = spawn(process.execPath, [...apiNodeFlags, ...apiEntry], {
  env: {
    ...process.env,
    DATABASE_URL: url,
    API_PORT: String(port),
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    DEV_AUTH_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'pf-bench-')), 'dev.json'),
    RATE_LIMIT_INGEST: generous,
    RATE_LIMIT_DEFAULT: generous,
    RATE_LIMIT_PROBES: generous,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (
    await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 200) throw new Error('api did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const peakRssMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))![1]) / 1024;

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, string>>;
}
const token = (await post('/api/v1/auth/dev/token', { email: 'bench@prospectflow.local' })).accessToken;
const org = await post('/api/v1/organisations', { name: 'Bench', slug: 'bench' }, token);
const key = (await post('/api/v1/api-keys', { name: 'bench', scopes: ['ingest:write'] }, token)).key as string;

async function timedIngest(items: unknown[]) {
  const started = performance.now();
  await post('/api/v1/ingest', { data: items }, key);
  return performance.now() - started;
}
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))![1]) / 1024;
console.log(`API RSS after start-up: ${Math.round(rssMb())} MB`);
// Warm-up (JIT, pool, plans) outside the measurements, for both sides.
await timedIngest(pharowItems(1000, { seed: 99, prefix: 'warm' }));
await baselineInsert(pool, org.id as string, pharowItems(1000, { seed: 98, prefix: 'baseline-warm' }));

// Big requests and the baseline alternate, so that both see the same table sizes and the same
// background load: on a shared machine the ratio of the two is the figure that means something.
const rows = [];
const big = [1, 2, 3, 4, 5].map((seed) => pharowItems(10_000, { seed, prefix: `big${seed}` }));
const bigMs: number[] = [];
const baselineMs: number[] = [];
for (const [n, batch] of big.entries()) {
  bigMs.push(Math.round(await timedIngest(batch)));
  const baselineItems = pharowItems(10_000, { seed: 50 + n, prefix: `baseline${n}` });
  baselineMs.push(Math.round(await baselineInsert(pool, org.id as string, baselineItems)));
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
console.log(`10,000-item requests took ${bigMs.join(', ')} ms; baseline statements ${baselineMs.join(', ')} ms`);
const httpRate = Math.round(50_000 / (sum(bigMs) / 1000));
const baselineRate = Math.round(50_000 / (sum(baselineMs) / 1000));
rows.push({
  scenario: 'HTTP ingest, 5 × 10,000 new items',
  'items/s': httpRate,
  'p95 ms': '—',
  'API peak RSS MB': Math.round(peakRssMb()),
});
rows.push({
  scenario: 'baseline: one raw INSERT statement, 5 × 10,000 items (interleaved)',
  'items/s': baselineRate,
  'p95 ms': '—',
  'API peak RSS MB': '—',
});

const reingestMs = await timedIngest(big[0]!);
rows.push({
  scenario: 'HTTP re-ingest of 10,000 unchanged items',
  'items/s': Math.round(10_000 / (reingestMs / 1000)),
  'p95 ms': '—',
  'API peak RSS MB': Math.round(peakRssMb()),
});

const small = Array.from({ length: 30 }, (_, n) => pharowItems(1000, { seed: 100 + n, prefix: `s${n}` }));
const latencies = [];
for (const batch of small) latencies.push(await timedIngest(batch));
rows.push({
  scenario: 'HTTP ingest, 30 × 1,000 items',
  'items/s': Math.round(30_000 / (latencies.reduce((a, b) => a + b) / 1000)),
  'p95 ms': Math.round(percentile(latencies, 95)),
  'API peak RSS MB': Math.round(peakRssMb()),
});

const overlap = pharowItems(8000, { seed: 300, prefix: 'race' });
const concurrentStart = performance.now();
const outcomes = await Promise.allSettled(
  [0, 2000, 4000, 1000].map((offset) => timedIngest(overlap.slice(offset, offset + 4000))),
);
const failures = outcomes.filter((o) => o.status === 'rejected').length;
rows.push({
  scenario: `4 concurrent overlapping clients × 4,000 items (${failures} failures)`,
  'items/s': Math.round(16_000 / ((performance.now() - concurrentStart) / 1000)),
  'p95 ms': '—',
  'API peak RSS MB': Math.round(peakRssMb()),
});

// Heavier than the target (50,000 items in sequence): four 10,000-item requests at once must not
// exhaust the API's heap, whatever --max-old-space-size the start script sets.
const concurrentBig = [0, 1, 2, 3].map((n) => pharowItems(10_000, { seed: 400 + n, prefix: `wide${n}` }));
const wideStart = performance.now();
const wideOutcomes = await Promise.allSettled(concurrentBig.map((batch) => timedIngest(batch)));
const wideFailures = wideOutcomes.filter((o) => o.status === 'rejected');
for (const failure of wideFailures) console.error((failure as PromiseRejectedResult).reason);
rows.push({
  scenario: `4 concurrent clients × 10,000 new items (${wideFailures.length} failures)`,
  'items/s': Math.round(40_000 / ((performance.now() - wideStart) / 1000)),
  'p95 ms': '—',
  'API peak RSS MB': Math.round(peakRssMb()),
});

printTable('ingest (API in its own process, load from this process)', rows);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `\nHTTP ingest / baseline = ${Math.round((httpRate / baselineRate) * 100)} % ` +
    `(ratio of medians ${Math.round((median(baselineMs) / median(bigMs)) * 100)} %)`,
);

api.kill('SIGTERM');
await new Promise((r) => api.once('exit', r));
await pool.end();
await dropDatabase(env.DATABASE_URL, dbName);
