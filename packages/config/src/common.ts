import { z } from 'zod';

/** Variables every app reads. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** Connections to the backing services; defaults match a local install. */
export const ServicesEnv = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/prospectflow'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  RABBITMQ_URL: z.string().min(1).default('amqp://guest:guest@127.0.0.1:5672'),
  RABBITMQ_PREFETCH: z.coerce.number().int().min(1).max(1000).default(10),
  RABBITMQ_MAX_DELIVERIES: z.coerce.number().int().min(1).max(50).default(5),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
});
