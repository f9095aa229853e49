import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';
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

/** Every variable the web server reads; parsed once by the services plugin at start-up. */
export const WebEnv = z.object({
  ...BaseEnv.shape,
  ...ServicesEnv.shape,
  WEB_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  API_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  PUBLIC_BASE_URL: z.url().default('http://localhost:4000'),
  LEAD_MAGNET_CORS_ORIGINS: CommaSeparatedUrls.default(['http://localhost:5173']),
});
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
