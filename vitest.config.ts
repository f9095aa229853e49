import { defineConfig } from 'vitest/config';

const ignored = ['**/node_modules/**', '**/.nuxt/**', '**/.output/**', '**/dist/**'];
// Tests that stop the shared broker: they run alone, after every other project (doc/DEVELOPMENT.md).
const serialIntegration = ['apps/worker/test/outreach-broker-outage.int.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages,scripts}/**/*.test.ts'],
          exclude: [...ignored, '**/*.int.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages}/**/*.int.test.ts'],
          exclude: [...ignored, ...serialIntegration],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration-serial',
          include: serialIntegration,
          exclude: ignored,
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Group 1 starts once every group-0 project (unit, integration, e2e) has finished.
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['{apps,packages,test}/**/*.e2e.test.ts'],
          exclude: ignored,
          globalSetup: ['test/global-setup.ts', 'test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
