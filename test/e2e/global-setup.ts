import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemoData, withTransaction } from '@prospectflow/db';
import { createTestDatabase } from '@prospectflow/db/testing';
import {
  ROOT_DIR,
  buildWebAppIfStale,
  freePort,
  startApiApp,
  startWebApp,
  startWorkerApp,
  type RunningService,
} from './web-app.js';

// Browser tests click faster than any operator: the API's limits must never be what they test.
const GENEROUS_RATE_LIMITS = Object.fromEntries(
  ['DEFAULT', 'PROBES', 'DELETE', 'CREATE', 'UPDATE', 'READ', 'INGEST'].map((rule) => [
    `RATE_LIMIT_${rule}`,
    '100000/60',
  ]),
);

/**
 * E2E runs: builds the Nuxt app when its sources changed, clones and seeds a database (demo
 * admin demo@prospectflow.local in "Demo Prospection"), starts the API (dev sign-in), the worker
 * (CSV imports, outbox relay) and the production web server pointing at the API, and stops
 * everything afterwards.
 */
export default async function setup(project: TestProject) {
  const { templateDatabase, rabbitmqUrl } = project.getProvidedContext();
  await buildWebAppIfStale();
  const database = await createTestDatabase(templateDatabase);
  const keyDir = await mkdtemp(join(tmpdir(), 'pf-e2e-'));
  const running: RunningService[] = [];
  const teardown = async () => {
    for (const service of running.reverse()) await service.stop();
    await database.drop();
    await rm(keyDir, { recursive: true, force: true });
  };
  try {
    await withTransaction(database.pool, (client) => seedDemoData(client));
    const services = {
      DATABASE_URL: database.url,
      RABBITMQ_URL: rabbitmqUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'info',
    };
    const webPort = await freePort();
    const api = await startApiApp(
      {
        ...services,
        ...GENEROUS_RATE_LIMITS,
        AUTH_MODE: 'dev',
        DEV_AUTH_KEY_FILE: join(keyDir, 'dev-issuer.json'),
        API_CORS_ORIGINS: `http://127.0.0.1:${webPort}`,
      },
      join(ROOT_DIR, 'test-results/api-server.log'),
    );
    running.push(api);
    // Polls the outbox every 100 ms so an import queued by the browser starts without delay.
    const worker = await startWorkerApp(
      { ...services, OUTBOX_POLL_INTERVAL_MS: '100' },
      join(ROOT_DIR, 'test-results/worker.log'),
    );
    running.push(worker);
    // NODE_ENV=test: the web server refuses dev sign-in in production.
    const webEnv = { ...services, NODE_ENV: 'test', AUTH_MODE: 'dev', API_BASE_URL: api.baseUrl };
    const web = await startWebApp(webEnv, join(ROOT_DIR, 'test-results/web-server.log'), { port: webPort });
    running.push(web);
    project.provide('webBaseUrl', web.baseUrl);
    project.provide('webEnv', webEnv);
    project.provide('apiBaseUrl', api.baseUrl);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
