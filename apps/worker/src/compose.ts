import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from '@prospectflow/db';
import { createSesMailer } from '@prospectflow/lead-magnet';
import {
  createConnectionManager,
  defineCrmTopology,
  defineLeadMagnetTopology,
  defineOutreachTopology,
  defineWebhooksTopology,
  type ConnectionManager,
} from '@prospectflow/messaging';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import {
  TransportCache,
  createLlmClient,
  loadMailboxSecretsKey,
  systemClock,
  webhookTargetPolicy,
  type Clock,
} from '@prospectflow/outreach';
import type { WorkerConfig } from './config.js';
import { consumeImports } from './consumers/crm-import.js';
import { consumeLeadMagnetEmails } from './consumers/lead-magnet-email.js';
import { consumeOutreachDrafts } from './consumers/outreach-draft.js';
import { consumeOutreachReplies } from './consumers/outreach-reply.js';
import { consumeOutreachSends } from './consumers/outreach-send.js';
import { consumeWebhookDeliveries } from './consumers/webhook-delivery.js';
import type { WorkerMetrics } from './metrics.js';
import { startWorkerImapPolling } from './imap/start.js';
import { startOutboxRelay } from './outbox/relay.js';
import { startScheduler } from './scheduler/loop.js';

export interface WorkerServices {
  config: WorkerConfig;
  pool: Pool;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Time source of the campaign engine (tests move it forward); defaults to the system clock. */
  clock?: Clock;
}

export interface Worker {
  broker: ConnectionManager;
  /** Stops the relay, lets running jobs reach a safe point, then closes the broker connection. */
  stop(): Promise<void>;
}

/** Wires the broker, the consumers and the outbox relay (main.ts and tests); call `broker.connect()` to start. */
export async function composeWorker(services: WorkerServices): Promise<Worker> {
  const { config, pool, logger, metrics } = services;
  const maxDeliveries = config.RABBITMQ_MAX_DELIVERIES;
  const backoff = { initialDelayMs: config.RABBITMQ_RETRY_INITIAL_DELAY_MS };
  const broker = createConnectionManager({
    url: config.RABBITMQ_URL,
    topologies: [
      defineOutreachTopology({ maxDeliveries, backoff }),
      defineCrmTopology({ maxDeliveries, backoff }),
      defineLeadMagnetTopology({ maxDeliveries, backoff }),
      defineWebhooksTopology({ maxDeliveries, backoff }),
    ],
    logger: createChildLogger('Messaging', logger),
    connectionName: 'prospectflow-worker',
  });
  const shutdown = new AbortController();
  await consumeImports({
    broker,
    pool,
    logger: createChildLogger('CrmImport', logger),
    metrics,
    batchSize: config.CRM_IMPORT_BATCH_SIZE,
    concurrency: config.CRM_IMPORT_CONCURRENCY,
    signal: shutdown.signal,
  });
  await consumeLeadMagnetEmails({
    broker,
    pool,
    sendEmail: createSesMailer({
      region: config.AWS_REGION,
      endpoint: config.SES_ENDPOINT,
      from: config.LEAD_MAGNET_FROM_EMAIL,
      credentials: staticAwsCredentials(config),
    }),
    publicBaseUrl: config.LEAD_MAGNET_PUBLIC_BASE_URL,
    logger: createChildLogger('LeadMagnetEmail', logger),
    metrics,
    concurrency: config.LEAD_MAGNET_EMAIL_CONCURRENCY,
  });
  // The scheduler's claims wake the relay, which is started below.
  let wakeRelay = () => {};
  const outreach = await startOutreach(services, broker, () => wakeRelay());
  await consumeWebhookDeliveries({
    broker,
    pool,
    secretsKey: loadMailboxSecretsKey(config, logger),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    ...webhookTargetPolicy(config),
    logger: createChildLogger('WebhookDelivery', logger),
    metrics,
    concurrency: config.WEBHOOK_CONCURRENCY,
  });
  const relay = startOutboxRelay({
    pool,
    publish: (routingKey, payload, options) => broker.publish(routingKey, payload, options),
    logger: createChildLogger('OutboxRelay', logger),
    batchSize: config.OUTBOX_BATCH_SIZE,
    intervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
    onPublished: (count) => metrics.outboxPublished.inc(count),
    onFailed: (count) => metrics.outboxFailed.inc(count),
  });
  wakeRelay = relay.wake;
  const imap = startWorkerImapPolling({ ...services, broker, clock: services.clock ?? systemClock });
  return {
    broker,
    stop: async () => {
      shutdown.abort();
      await imap?.stop();
      await outreach.scheduler.stop();
      await relay.stop();
      await broker.close();
      outreach.transports.closeAll();
    },
  };
}

/** Keys from the config when both are set (local stand-ins); otherwise the SDK's default chain (IAM role). */
function staticAwsCredentials(config: WorkerConfig) {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = config;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** The campaign engine: draft, send and reply consumers and the scheduler loop (doc/OUTREACH.md "Workers"). */
async function startOutreach(services: WorkerServices, broker: ConnectionManager, onClaimed: () => void) {
  const { config, pool, logger, metrics } = services;
  const clock = services.clock ?? systemClock;
  const llm = config.LLM_BASE_URL
    ? createLlmClient({
        baseUrl: config.LLM_BASE_URL,
        apiKey: config.LLM_API_KEY,
        model: config.LLM_MODEL,
        timeoutMs: config.LLM_TIMEOUT_MS,
        maxAttempts: config.LLM_MAX_ATTEMPTS,
      })
    : null;
  const transports = new TransportCache({
    secretsKey: loadMailboxSecretsKey(config, logger),
    ses: { region: config.AWS_REGION, endpoint: config.SES_ENDPOINT, credentials: staticAwsCredentials(config) },
  });
  // Approved drafts wake the scheduler, which is started below.
  let wakeScheduler = () => {};
  const draftLog = createChildLogger('OutreachDraft', logger);
  await consumeOutreachDrafts({
    broker,
    pool,
    clock,
    llm,
    logger: draftLog,
    metrics,
    concurrency: config.OUTREACH_DRAFT_CONCURRENCY,
    // An approved draft's send task is due at once (inside the window): no need to wait for a poll.
    onApproved: () => wakeScheduler(),
  });
  const sendLog = createChildLogger('OutreachSend', logger);
  await consumeOutreachSends({
    broker,
    pool,
    clock,
    transports,
    trackingBaseUrl: config.TRACKING_BASE_URL,
    logger: sendLog,
    metrics,
    concurrency: config.OUTREACH_SEND_CONCURRENCY,
  });
  await consumeOutreachReplies({
    broker,
    pool,
    clock,
    defaultPauseDays: config.OUTREACH_AUTO_REPLY_PAUSE_DAYS,
    logger: createChildLogger('OutreachReply', logger),
    metrics,
    concurrency: config.OUTREACH_REPLY_CONCURRENCY,
  });
  const scheduler = startScheduler({
    pool,
    clock,
    logger: createChildLogger('OutreachScheduler', logger),
    intervalMs: config.OUTREACH_SCHEDULER_INTERVAL_MS,
    minIntervalMs: config.OUTREACH_SCHEDULER_MIN_INTERVAL_MS,
    batchSize: config.OUTREACH_SCHEDULER_BATCH_SIZE,
    lockSeconds: config.OUTREACH_CLAIM_LOCK_SECONDS,
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    onClaimed,
  });
  wakeScheduler = scheduler.wake;
  return { scheduler, transports };
}
