import { z } from 'zod';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';

const WorkerEnv = BaseEnv.extend(ServicesEnv.shape).extend({
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  WORKER_HOST: z.string().default('0.0.0.0'),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).max(8760).default(72),
  // First retry delay of every queue family (then ×5 per retry); changing it changes queue arguments (doc/MESSAGING.md).
  RABBITMQ_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(1).max(3_600_000).default(10_000),
  CRM_IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  CRM_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(2),
  // Lead-magnet emails (SES v2). Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when both are
  // set (local emulator), else the SDK's default chain (IAM role in production).
  AWS_REGION: z.string().min(1).default('eu-west-3'),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SES_ENDPOINT: z.url().optional(),
  LEAD_MAGNET_FROM_EMAIL: z.string().min(3).default('Light & Shutter <guide@lightandshutter.fr>'),
  LEAD_MAGNET_PUBLIC_BASE_URL: z.url().default('http://localhost:4000'),
  LEAD_MAGNET_EMAIL_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  // Campaign engine (doc/OUTREACH.md "Workers"). TRACKING_BASE_URL is the API's public URL (pixel, unsubscribe).
  TRACKING_BASE_URL: z.url().default('http://localhost:3000'),
  MAILBOX_SECRETS_KEY: z.string().min(1).optional(),
  OUTREACH_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  OUTREACH_SCHEDULER_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  OUTREACH_SCHEDULER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  // A claim older than this goes back to pending (longer than the whole retry back-off).
  OUTREACH_CLAIM_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  OUTREACH_DRAFT_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
  OUTREACH_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
  OUTREACH_REPLY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(5),
  /** Pause of an enrollment after an out-of-office whose text gives no return date. */
  OUTREACH_AUTO_REPLY_PAUSE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  LLM_BASE_URL: z.url().optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  // Outbound webhooks (doc/OUTREACH.md "Outbound webhooks"). Private targets: loopback/private
  // addresses allowed (dev, test); defaults to false with NODE_ENV=production.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
  // IMAP polling of mailboxes with IMAP settings (doc/OUTREACH.md "IMAP polling").
  IMAP_POLL_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  IMAP_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  IMAP_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  IMAP_POLL_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  IMAP_POLL_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  IMAP_POLL_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(1000),
  IMAP_POLL_MAX_BACKOFF_MS: z.coerce.number().int().min(10).max(86_400_000).default(1_800_000),
});

export type WorkerConfig = z.infer<typeof WorkerEnv>;

/** Parses the worker's environment once; throws ConfigError listing every bad variable. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadEnv(WorkerEnv, { env });
}
