import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';
import { parseRateRule } from '@prospectflow/redis';
import { z } from 'zod';

const CommaSeparatedUrls = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url()));

/** Optional values: an empty string (e.g. `COGNITO_DOMAIN=` in .env) counts as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A rate rule written `points/seconds` (`5/600`: five per ten minutes), as the API's RATE_LIMIT_*. */
const rateRule = (fallback: string) =>
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

const booleanFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** `true`, `false`, a hop count, or names/subnets for proxy-addr (`loopback`, `10.0.0.0/8, uniquelocal`). */
const TrustProxy = z
  .string()
  .default('loopback')
  .transform((v): boolean | number | string[] =>
    v === 'true'
      ? true
      : v === 'false'
        ? false
        : /^\d+$/.test(v)
          ? Number(v)
          : v
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean),
  );

const COGNITO_REQUIRED = ['COGNITO_DOMAIN', 'COGNITO_CLIENT_ID'] as const;

/** Every variable the web server reads; parsed once by the services plugin at start-up. */
export const WebEnv = z
  .object({
    ...BaseEnv.shape,
    ...ServicesEnv.shape,
    WEB_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    API_BASE_URL: z.url().default('http://127.0.0.1:3000'),
    PUBLIC_BASE_URL: z.url().default('http://localhost:4000'),
    /** Which peers may set X-Forwarded-For (Express `trust proxy` semantics, via proxy-addr). */
    WEB_TRUST_PROXY: TrustProxy,
    LEAD_MAGNET_CORS_ORIGINS: CommaSeparatedUrls.default(['http://localhost:5173']),
    LEAD_MAGNET_RATE_IP: rateRule('5/600'),
    LEAD_MAGNET_RATE_EMAIL: rateRule('3/3600'),
    LEAD_MAGNET_RATE_RESEND: rateRule('5/600'),
    LEAD_MAGNET_RATE_CONFIRM: rateRule('30/600'),
    LEAD_MAGNET_RATE_VISIT: rateRule('60/600'),
    AWS_REGION: z.string().min(1).default('eu-west-3'),
    S3_ENDPOINT: optional(z.url()),
    S3_FORCE_PATH_STYLE: booleanFlag,
    LEAD_MAGNET_BUCKET: z.string().min(3).default('lightandshutter-lead-magnets'),
    AWS_ACCESS_KEY_ID: optional(z.string()),
    AWS_SECRET_ACCESS_KEY: optional(z.string()),
    AUTH_MODE: z.enum(['dev', 'cognito']).default('dev'),
    COGNITO_DOMAIN: optional(z.url()),
    COGNITO_CLIENT_ID: optional(z.string()),
    COGNITO_CLIENT_SECRET: optional(z.string()),
    COGNITO_REDIRECT_URI: optional(z.url()),
    COGNITO_LOGOUT_URI: optional(z.url()),
    COGNITO_SCOPES: z.string().min(1).default('openid email profile'),
    SESSION_IDLE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(12 * 3600),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_MODE === 'dev' && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'dev sign-in is refused with NODE_ENV=production' });
    }
    if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AWS_SECRET_ACCESS_KEY'],
        message: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or neither: IAM role)',
      });
    }
    if (env.AUTH_MODE !== 'cognito') return;
    for (const key of COGNITO_REQUIRED) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when AUTH_MODE=cognito' });
    }
  })
  .transform((env) => ({
    ...env,
    COGNITO_DOMAIN: env.COGNITO_DOMAIN?.replace(/\/+$/, ''),
    COGNITO_REDIRECT_URI: env.COGNITO_REDIRECT_URI ?? new URL('/auth/callback', env.PUBLIC_BASE_URL).href,
    COGNITO_LOGOUT_URI: env.COGNITO_LOGOUT_URI ?? new URL('/login', env.PUBLIC_BASE_URL).href,
  }));
export type WebConfig = z.infer<typeof WebEnv>;

/** Parses the environment (plus `.env`); throws a ConfigError listing every bad key. */
export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  return loadEnv(WebEnv, { env });
}

/**
 * Nitro's node-server entry reads NITRO_PORT / PORT right after the plugins have run, so the
 * plugin maps WEB_PORT onto NITRO_PORT unless the caller chose a port explicitly.
 */
export function applyListenPort(config: WebConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (!env.NITRO_PORT && !env.PORT) env.NITRO_PORT = String(config.WEB_PORT);
}
