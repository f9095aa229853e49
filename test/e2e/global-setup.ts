import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemoData, withTransaction } from '@prospectflow/db';
import { createTestDatabase } from '@prospectflow/db/testing';
import { S3RVER_CREDENTIALS, STANDIN_REGION, startAwsStandins } from '../aws-standins.js';
import { provide } from '../provide.js';
import {
  LANDING_TEST_ORIGIN,
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

// The lead-magnet tests submit many times from one machine; the limits get their own server there.
const GENEROUS_LEAD_MAGNET_LIMITS = Object.fromEntries(
  ['IP', 'EMAIL', 'RESEND', 'CONFIRM', 'VISIT'].map((rule) => [`LEAD_MAGNET_RATE_${rule}`, '100000/60']),
);
/**
 * E2E runs: builds the Nuxt app when its sources changed, clones and seeds a database (demo
 * admin demo@prospectflow.local in "Demo Prospection"), starts the AWS stand-ins (s3rver with the
 * guide, the SES v2 emulator), the API (dev sign-in), the worker (CSV imports, lead-magnet emails,
 * outbox relay) and the production web server pointing at the API and S3, and stops everything
 * afterwards.
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
    const webBaseUrl = `http://127.0.0.1:${webPort}`;
    // s3rver holds the guide, the SES v2 emulator receives the lead-magnet emails.
    const aws = await startAwsStandins();
    running.push({ baseUrl: aws.s3Endpoint, stop: aws.stop });
    const awsCredentials = {
      AWS_REGION: STANDIN_REGION,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    };
    const landingPort = await freePort();
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
      {
        ...services,
        ...awsCredentials,
        OUTBOX_POLL_INTERVAL_MS: '100',
        SES_ENDPOINT: aws.sesEndpoint,
        LEAD_MAGNET_FROM_EMAIL: 'Light & Shutter <guide@lightandshutter.test>',
        LEAD_MAGNET_PUBLIC_BASE_URL: webBaseUrl,
      },
      join(ROOT_DIR, 'test-results/worker.log'),
    );
    running.push(worker);
    // NODE_ENV=test: the web server refuses dev sign-in in production.
    const webEnv = {
      ...services,
      ...awsCredentials,
      ...GENEROUS_LEAD_MAGNET_LIMITS,
      NODE_ENV: 'test',
      AUTH_MODE: 'dev',
      API_BASE_URL: api.baseUrl,
      S3_ENDPOINT: aws.s3Endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      LEAD_MAGNET_BUCKET: aws.bucket,
      LEAD_MAGNET_CORS_ORIGINS: `${LANDING_TEST_ORIGIN},http://127.0.0.1:${landingPort}`,
    };
    const web = await startWebApp(webEnv, join(ROOT_DIR, 'test-results/web-server.log'), { port: webPort });
    running.push(web);
    provide(project, 'webBaseUrl', web.baseUrl);
    provide(project, 'webEnv', webEnv);
    provide(project, 'apiBaseUrl', api.baseUrl);
    provide(project, 'awsStandins', { s3Endpoint: aws.s3Endpoint, sesEndpoint: aws.sesEndpoint });
    provide(project, 'leadMagnetLandingPort', landingPort);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
