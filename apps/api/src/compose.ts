import type { Pool } from '@prospectflow/db';
import { pingDatabase } from '@prospectflow/db';
import { pingBroker } from '@prospectflow/messaging/ping';
import type { Logger, Metrics } from '@prospectflow/observability';
import { loadMailboxSecretsKey, systemClock, webhookTargetPolicy, type Clock } from '@prospectflow/outreach';
import { pingRedis, type Redis } from '@prospectflow/redis';
import { createApp } from './app.js';
import type { ApiConfig } from './config.js';
import { rateLimit } from './http/rate-limit.js';
import { companiesRoutes } from './modules/crm/companies-routes.js';
import { prospectsRoutes } from './modules/crm/prospects-routes.js';
import { identify } from './modules/iam/authenticate.js';
import { createDevIssuer } from './modules/iam/dev-issuer.js';
import { devAuthRoutes } from './modules/iam/dev-routes.js';
import { importsRoutes } from './modules/crm/imports-routes.js';
import { ingestRoutes } from './modules/crm/ingest-routes.js';
import { iamRoutes } from './modules/iam/routes.js';
import { inboundRoutes } from './modules/outreach/inbound-routes.js';
import { outreachRoutes } from './modules/outreach/routes.js';
import { trackingRoutes } from './modules/outreach/tracking-routes.js';
import { webhooksRoutes } from './modules/outreach/webhooks-routes.js';
import { cognitoVerifier, devVerifier, type TokenVerifier } from './modules/iam/token-verifier.js';

export interface ApiServices {
  config: ApiConfig;
  pool: Pool;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  /** Time of the outreach use cases (enrollment, approval); tests pass a manual clock. */
  clock?: Clock;
}

/** Wires the whole API from its configuration and open connections (main.ts and tests). */
export async function buildApi(services: ApiServices) {
  const { config, pool, redis, logger, metrics } = services;
  const routers = [];
  let verifier: TokenVerifier;
  if (config.AUTH_MODE === 'dev') {
    const issuer = await createDevIssuer({
      issuer: config.DEV_AUTH_ISSUER,
      audience: config.DEV_AUTH_AUDIENCE,
      keyFile: config.DEV_AUTH_KEY_FILE,
    });
    verifier = devVerifier(issuer);
    routers.push(devAuthRoutes(issuer, config.DEV_AUTH_TOKEN_TTL_SECONDS));
  } else {
    verifier = cognitoVerifier({ userPoolId: config.COGNITO_USER_POOL_ID!, clientId: config.COGNITO_CLIENT_ID! });
  }
  routers.push(trackingRoutes({ pool, logger }));
  routers.push(iamRoutes(pool), prospectsRoutes(pool, logger), companiesRoutes(pool));
  routers.push(ingestRoutes({ pool, redis, logger }));
  routers.push(importsRoutes({ pool, logger, bodyLimit: config.API_IMPORT_BODY_LIMIT }));
  const outreach = {
    pool,
    logger,
    clock: services.clock ?? systemClock,
    secretsKey: loadMailboxSecretsKey(config, logger),
    ses: {
      region: config.AWS_REGION,
      endpoint: config.SES_ENDPOINT,
      credentials:
        config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
          : undefined,
    },
  };
  routers.push(...outreachRoutes(outreach));
  routers.push(inboundRoutes({ ...outreach, bodyLimit: config.API_INBOUND_BODY_LIMIT }));
  routers.push(
    webhooksRoutes({
      pool,
      logger,
      secretsKey: outreach.secretsKey,
      targets: webhookTargetPolicy(config),
    }),
  );
  return createApp({
    logger,
    metrics,
    bodyLimit: config.API_BODY_LIMIT,
    ingestBodyLimit: config.API_INGEST_BODY_LIMIT,
    trustProxy: config.API_TRUST_PROXY,
    corsOrigins: config.API_CORS_ORIGINS,
    middleware: [
      identify({ pool, verifier, logger }),
      rateLimit({
        redis,
        logger,
        metrics,
        rules: {
          probes: config.RATE_LIMIT_PROBES,
          ingest: config.RATE_LIMIT_INGEST,
          read: config.RATE_LIMIT_READ,
          create: config.RATE_LIMIT_CREATE,
          update: config.RATE_LIMIT_UPDATE,
          delete: config.RATE_LIMIT_DELETE,
          default: config.RATE_LIMIT_DEFAULT,
        },
      }),
    ],
    routers,
    readinessChecks: [
      { name: 'postgres', check: () => pingDatabase(pool) },
      { name: 'rabbitmq', check: () => pingBroker(config.RABBITMQ_URL) },
      { name: 'redis', check: () => pingRedis(redis) },
    ],
  });
}
