import { Counter, Histogram, createMetrics } from '@prospectflow/observability';

/** The shared service metrics plus the worker's job and outbox counters. */
export function createWorkerMetrics() {
  const base = createMetrics('worker');
  const registers = [base.registry];
  return {
    ...base,
    jobsProcessed: new Counter({
      name: 'worker_jobs_total',
      help: 'Jobs handled by queue and outcome (ack, retry, dead, requeue)',
      labelNames: ['queue', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'worker_job_duration_seconds',
      help: 'Job handling duration by queue',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    outboxPublished: new Counter({
      name: 'outbox_published_total',
      help: 'Outbox rows published with confirms',
      registers,
    }),
    leadMagnetEmails: new Counter({
      name: 'lead_magnet_emails_total',
      help: 'Lead-magnet email jobs by kind (confirm, download) and outcome (sent, skipped, already_done, gone, busy, failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    draftsGenerated: new Counter({
      name: 'drafts_generated_total',
      help: 'Outreach drafts generated, by organisation and status (draft or approved)',
      labelNames: ['organisation_id', 'status'] as const,
      registers,
    }),
    emailsSent: new Counter({
      name: 'emails_sent_total',
      help: 'Outreach emails accepted by the mail server, by organisation',
      labelNames: ['organisation_id'] as const,
      registers,
    }),
    emailsUncertain: new Counter({
      name: 'emails_delivery_uncertain_total',
      help: 'Outreach emails that may or may not have left (interrupted mid-send, or the server never answered): never sent again, enrollment paused',
      labelNames: ['outcome'] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook delivery jobs by organisation and outcome (delivered, retry, exhausted, rejected, settled, busy, gone)',
      labelNames: ['organisation_id', 'outcome'] as const,
      registers,
    }),
    webhookRequestDuration: new Histogram({
      name: 'webhook_request_duration_seconds',
      help: 'Duration of webhook POSTs until the answer (or the failure), by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    imapMessagesPublished: new Counter({
      name: 'imap_messages_published_total',
      help: 'Inbound messages read by IMAP polling and published to outreach.reply, by organisation',
      labelNames: ['organisation_id'] as const,
      registers,
    }),
    imapPollFailures: new Counter({
      name: 'imap_poll_failures_total',
      help: 'IMAP polls that failed (connection, login, settings), by organisation',
      labelNames: ['organisation_id'] as const,
      registers,
    }),
    repliesDetected: new Counter({
      name: 'replies_detected_total',
      help: 'Inbound messages matched to our outreach and stored, by organisation and classification',
      labelNames: ['organisation_id', 'classification'] as const,
      registers,
    }),
    inboundMail: new Counter({
      name: 'inbound_mail_total',
      help: 'Inbound messages handled by source (webhook, imap) and outcome (stored, duplicate, unmatched, unparseable)',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    outboxFailed: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox publishes that failed and were postponed',
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
