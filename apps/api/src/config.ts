import { z } from 'zod';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';

const ApiEnv = BaseEnv.extend(ServicesEnv.shape).extend({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_HOST: z.string().default('0.0.0.0'),
  API_BODY_LIMIT: z.string().default('100kb'),
  /** Express `trust proxy`: `true`, `false`, a hop count, or a list of trusted subnets. */
  API_TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((v): boolean | number | string =>
      v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
    ),
});

export type ApiConfig = z.infer<typeof ApiEnv>;

/** Parses the API's environment once; throws ConfigError listing every bad variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadEnv(ApiEnv, { env });
}
