import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger, createMetrics, type Metrics } from '@prospectflow/observability';
import { createRedis, type Redis } from '@prospectflow/redis';
import { buildApi } from '../../src/compose.js';
import { loadApiConfig, type ApiConfig } from '../../src/config.js';

export interface ApiHarness {
  url: string;
  db: TestDatabase;
  config: ApiConfig;
  metrics: Metrics;
  /** Every log line the API wrote, as parsed JSON. */
  logs: Record<string, unknown>[];
  /** A dev-issuer token for this email (the same sub every time). */
  tokenFor(email: string): Promise<string>;
  /** fetch against the API with JSON in and out (bodies are asserted field by field, hence any). */
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export type ApiResponse = { status: number; body: any; headers: Headers };

export interface RequestOptions {
  token?: string;
  organisationId?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const GENEROUS = '100000/60';

/**
 * Starts the real API (dev auth, real Postgres clone, real Redis with a private key prefix) on
 * a free port. `env` overrides configuration, e.g. tight rate limits or a dead Redis.
 */
export async function startApi(env: Record<string, string> = {}, options: { redis?: Redis } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase(inject('templateDatabase'));
  const keyDir = await mkdtemp(join(tmpdir(), 'pf-dev-issuer-'));
  const config = loadApiConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: inject('rabbitmqUrl'),
      AUTH_MODE: 'dev',
      DEV_AUTH_KEY_FILE: join(keyDir, 'dev-issuer.json'),
      RATE_LIMIT_PROBES: GENEROUS,
      RATE_LIMIT_INGEST: GENEROUS,
      RATE_LIMIT_READ: GENEROUS,
      RATE_LIMIT_CREATE: GENEROUS,
      RATE_LIMIT_UPDATE: GENEROUS,
      RATE_LIMIT_DELETE: GENEROUS,
      RATE_LIMIT_DEFAULT: GENEROUS,
      ...env,
    },
    { dotenv: false },
  );
  const redis =
    options.redis ?? createRedis(config.REDIS_URL, { keyPrefix: `test:${randomBytes(4).toString('hex')}:` });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const metrics = createMetrics('api-test');
  const app = await buildApi({ config, pool: db.pool, redis, logger, metrics });
  const server: Server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: ApiHarness['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.organisationId) headers['x-organisation-id'] = opts.organisationId;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  return {
    url,
    db,
    config,
    metrics,
    logs,
    request,
    tokenFor: async (email) => (await request('POST', '/api/v1/auth/dev/token', { body: { email } })).body.accessToken,
    close: async () => {
      server.closeAllConnections();
      server.close();
      if (!options.redis) redis.disconnect();
      await db.drop();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}

/** The dev issuer's private key file, to forge tokens the issuer would never sign (expired, wrong audience…). */
export async function readDevKeys(config: ApiConfig): Promise<{ kid: string; privateJwk: Record<string, unknown> }> {
  return JSON.parse(await readFile(config.DEV_AUTH_KEY_FILE, 'utf8'));
}
