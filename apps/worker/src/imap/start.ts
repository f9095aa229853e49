import { OutreachInboundMail } from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import type { ConnectionManager } from '@prospectflow/messaging';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import { loadMailboxSecretsKey, pollImapMailbox, type Clock } from '@prospectflow/outreach';
import type { WorkerConfig } from '../config.js';
import type { WorkerMetrics } from '../metrics.js';
import { startImapPolling } from './poll-loop.js';

export interface ImapPollingServices {
  config: WorkerConfig;
  pool: Pool;
  logger: Logger;
  metrics: WorkerMetrics;
  broker: ConnectionManager;
  clock: Clock;
}

/** The IMAP poll loop over the worker's pool and broker (doc/OUTREACH.md "IMAP polling"); null when switched off. */
export function startWorkerImapPolling(services: ImapPollingServices): { stop: () => Promise<void> } | null {
  const { config, pool, metrics, broker } = services;
  if (!config.IMAP_POLL_ENABLED) return null;
  const logger = createChildLogger('ImapPoll', services.logger);
  const deps = {
    pool,
    secretsKey: loadMailboxSecretsKey(config, logger),
    publish: (routingKey: string, mail: OutreachInboundMail, options: { messageId: string }) =>
      broker.publish(routingKey, OutreachInboundMail.parse(mail), options),
    logger,
    timeoutMs: config.IMAP_POLL_TIMEOUT_MS,
    batchSize: config.IMAP_POLL_BATCH_SIZE,
    maxMessagesPerPoll: config.IMAP_POLL_MAX_MESSAGES,
    clock: services.clock,
  };
  return startImapPolling({
    pool,
    poll: (mailbox) => pollImapMailbox(deps, mailbox),
    logger,
    intervalMs: config.IMAP_POLL_INTERVAL_MS,
    concurrency: config.IMAP_POLL_CONCURRENCY,
    maxBackoffMs: config.IMAP_POLL_MAX_BACKOFF_MS,
    ready: () => broker.isConnected(),
    onPublished: (organisationId, count) =>
      metrics.imapMessagesPublished.inc({ organisation_id: organisationId }, count),
    onFailed: (organisationId) => metrics.imapPollFailures.inc({ organisation_id: organisationId }),
  });
}
