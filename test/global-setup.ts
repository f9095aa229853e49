import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from '@prospectflow/db/testing';
import { createTestVhost } from './rabbitmq-vhost.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    rabbitmqUrl: string;
  }
}

/** Integration and e2e runs: one migrated template database and one throwaway RabbitMQ vhost. */
export default async function setup(project: TestProject) {
  const template = await createTemplateDatabase();
  const vhost = await createTestVhost();
  project.provide('templateDatabase', template.name);
  project.provide('rabbitmqUrl', vhost.url);
  return async () => {
    await template.drop();
    await vhost.drop();
  };
}
