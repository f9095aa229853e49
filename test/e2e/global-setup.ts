import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createTestDatabase } from '@prospectflow/db/testing';
import { ROOT_DIR, buildWebAppIfStale, startWebApp } from './web-app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    webBaseUrl: string;
    webEnv: Record<string, string>;
  }
}

/**
 * E2E runs: builds the Nuxt app when its sources changed, starts the production server on a
 * free port against a database cloned from the migrated template, and stops both afterwards.
 */
export default async function setup(project: TestProject) {
  const { templateDatabase, rabbitmqUrl } = project.getProvidedContext();
  await buildWebAppIfStale();
  const database = await createTestDatabase(templateDatabase);
  const webEnv = {
    DATABASE_URL: database.url,
    RABBITMQ_URL: rabbitmqUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'info',
  };
  try {
    const web = await startWebApp(webEnv, join(ROOT_DIR, 'test-results/web-server.log'));
    project.provide('webBaseUrl', web.baseUrl);
    project.provide('webEnv', webEnv);
    return async () => {
      await web.stop();
      await database.drop();
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
