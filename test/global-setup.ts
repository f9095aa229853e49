import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from '@prospectflow/db/testing';
import { provide } from './provide.js';
import { createTestVhost } from './rabbitmq-vhost.js';

/** Integration and e2e runs: one migrated template database and one throwaway RabbitMQ vhost. */
export default async function setup(project: TestProject) {
  const template = await createTemplateDatabase();
  const vhost = await createTestVhost();
  provide(project, 'templateDatabase', template.name);
  provide(project, 'rabbitmqUrl', vhost.url);
  return async () => {
    await template.drop();
    await vhost.drop();
  };
}
