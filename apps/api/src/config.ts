import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';
import { parseRateRule } from '@prospectflow/redis';

const DEFAULT_DEV_KEY_FILE = fileURLToPath(new URL('../../../.dev-keys/dev-issuer.json', import.meta.url));

const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return parseRateRule(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const ApiEnv = BaseEnv.extend(ServicesEnv.shape)
  .extend({
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    API_HOST: z.string().default('0.0.0.0'),
    API_BODY_LIMIT: z.string().default('100kb'),
    API_INGEST_BODY_LIMIT: z.string().default('25mb'),
    API_IMPORT_BODY_LIMIT: z.string().default('20mb'),
    /** Raw RFC 822 body of `POST /api/v1/inbound/mail` (413 beyond; messages over 10 MB are refused anyway). */
    API_INBOUND_BODY_LIMIT: z.string().default('10mb'),
    /** Express `trust proxy`: `true`, `false`, a hop count, or a list of trusted subnets. */
    API_TRUST_PROXY: z
      .string()
      .default('loopback')
      .transform((v): boolean | number | string =>
        v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
      ),
    API_CORS_ORIGINS: commaList('http://localhost:4000'),
    AUTH_MODE: z.enum(['dev', 'cognito']).default('dev'),
    COGNITO_USER_POOL_ID: z.string().optional(),
    COGNITO_CLIENT_ID: z.string().optional(),
    DEV_AUTH_ISSUER: z.url().default('http://localhost:3000/api/v1/auth/dev'),
    DEV_AUTH_AUDIENCE: z.string().default('prospectflow-dashboard'),
    DEV_AUTH_KEY_FILE: z.string().default(DEFAULT_DEV_KEY_FILE),
    DEV_AUTH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    RATE_LIMIT_PROBES: rate('100/900'),
    RATE_LIMIT_INGEST: rate('10/60'),
    RATE_LIMIT_READ: rate('100/900'),
    RATE_LIMIT_CREATE: rate('20/60'),
    RATE_LIMIT_UPDATE: rate('50/60'),
    RATE_LIMIT_DELETE: rate('10/60'),
    RATE_LIMIT_DEFAULT: rate('300/60'),
    /** base64 of 32 bytes: AES-256-GCM key of mailbox passwords (packages/outreach/src/mailbox-secrets.ts). */
    MAILBOX_SECRETS_KEY: z
      .string()
      .optional()
      .refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, 'must be the base64 of 32 bytes'),
    // SES v2 for mailboxes with the `ses` transport (test emails); credentials as in the worker.
    AWS_REGION: z.string().min(1).default('eu-west-3'),
    AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
    AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    SES_ENDPOINT: z.url().optional(),
    // Outbound webhooks: loopback/private targets allowed (dev, test); unset = false with NODE_ENV=production.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_MODE === 'cognito') {
      for (const key of ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when AUTH_MODE=cognito' });
      }
    }
    if (!env.MAILBOX_SECRETS_KEY && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['MAILBOX_SECRETS_KEY'], message: 'required with NODE_ENV=production' });
    }
    if (env.AUTH_MODE === 'dev' && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'dev sign-in is refused with NODE_ENV=production' });
    }
  });

export type ApiConfig = z.infer<typeof ApiEnv>;

/** Parses the API's environment once; throws ConfigError listing every bad variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): ApiConfig {
  return loadEnv(ApiEnv, { env, dotenv: options.dotenv });
}
