import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrictedDrivers = (allowedIn) => ({
  files: ['**/*.ts'],
  ignores: allowedIn,
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.nuxt/**',
      '**/.output/**',
      '**/dist/**',
      'test-results/**',
      'apps/web/**/*.vue',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Only the db package talks to Postgres, only messaging to RabbitMQ, only redis to Redis.
    ...restrictedDrivers(['packages/db/**', 'packages/messaging/**', 'packages/redis/**']),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: 'Use @prospectflow/db (repositories) instead of pg.' },
            { name: 'amqplib', message: 'Use @prospectflow/messaging instead of amqplib.' },
            { name: 'ioredis', message: 'Use @prospectflow/redis instead of ioredis.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', '**/cli/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
