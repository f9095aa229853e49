import type { H3Event } from 'h3';
import { createS3Download, type PresignDownload, type S3DownloadConfig } from '@prospectflow/lead-magnet';
import { Counter } from '@prospectflow/observability';
import { FailOpenRateLimiter, type RateRule } from '@prospectflow/redis';
import type { WebConfig } from './config.js';
import type { WebServices } from './services.js';

/** The abuse limits of the public lead-magnet routes (see doc/LEAD-MAGNET.md). */
export type LeadMagnetLimit = 'submitIp' | 'email' | 'resendIp' | 'linkIp' | 'visitIp';

/** What the lead-magnet routes need beyond the shared web services; built once per process. */
export interface LeadMagnetServices {
  presignDownload: PresignDownload;
  limiters: Record<LeadMagnetLimit, FailOpenRateLimiter>;
  counters: {
    signups: Counter<'outcome'>;
    confirmations: Counter;
    downloads: Counter;
    unsubscribes: Counter;
    rateLimited: Counter<'limit'>;
  };
}

/** The presigner settings from the web configuration; static keys only when both are set. */
export function s3DownloadConfig(config: WebConfig): S3DownloadConfig {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = config;
  return {
    bucket: config.LEAD_MAGNET_BUCKET,
    region: config.AWS_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}

/** How long one presigned URL is handed out; it stays valid at least 15 min minus this afterwards. */
const PRESIGNED_URL_REUSE_MS = 60_000;

/**
 * The guide's URL is the same for every bride: sign it once a minute instead of on every click
 * (signing costs ~0.5 ms of CPU; each URL handed out still has ≥ 14 minutes to run).
 */
export function reusePresignedUrl(presign: PresignDownload, reuseMs = PRESIGNED_URL_REUSE_MS): PresignDownload {
  let cached: { url: Promise<string>; signedAt: number } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.signedAt >= reuseMs) {
      const url = presign();
      const entry = { url, signedAt: now };
      cached = entry;
      url.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.url;
  };
}

function createLimiters(services: WebServices): LeadMagnetServices['limiters'] {
  const { config, logger, redis } = services;
  const onRedisError = (error: unknown) =>
    logger.error({ err: error }, 'lead-magnet rate limiter unavailable, failing open');
  const limiter = (name: string, rule: RateRule) =>
    new FailOpenRateLimiter(redis, `lead-magnet:${name}`, rule, onRedisError);
  return {
    submitIp: limiter('submit-ip', config.LEAD_MAGNET_RATE_IP),
    email: limiter('email', config.LEAD_MAGNET_RATE_EMAIL),
    resendIp: limiter('resend-ip', config.LEAD_MAGNET_RATE_RESEND),
    linkIp: limiter('link-ip', config.LEAD_MAGNET_RATE_CONFIRM),
    visitIp: limiter('visit-ip', config.LEAD_MAGNET_RATE_VISIT),
  };
}

function createCounters(services: WebServices): LeadMagnetServices['counters'] {
  const registers = [services.metrics.registry];
  return {
    signups: new Counter({
      name: 'lead_magnet_signups_total',
      help: 'Landing-page signups by outcome (created, pending_again, download_sent, reopened, bounced, ignored)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    confirmations: new Counter({
      name: 'lead_magnet_confirmations_total',
      help: 'Subscribers who confirmed their address (double opt-in)',
      registers,
    }),
    downloads: new Counter({
      name: 'lead_magnet_downloads_total',
      help: 'Valid link clicks answered with a download URL',
      registers,
    }),
    unsubscribes: new Counter({
      name: 'lead_magnet_unsubscribes_total',
      help: 'Subscribers who unsubscribed',
      registers,
    }),
    rateLimited: new Counter({
      name: 'lead_magnet_rate_limited_total',
      help: 'Lead-magnet requests refused by an abuse limit',
      labelNames: ['limit'] as const,
      registers,
    }),
  };
}

// Keyed by the process services object (built once by the services plugin), not a module singleton.
const built = new WeakMap<WebServices, LeadMagnetServices>();

/** The lead-magnet services of this server process. */
export function useLeadMagnet(event: H3Event): LeadMagnetServices {
  const services = useServices(event);
  let leadMagnet = built.get(services);
  if (!leadMagnet) {
    leadMagnet = {
      presignDownload: reusePresignedUrl(createS3Download(s3DownloadConfig(services.config))),
      limiters: createLimiters(services),
      counters: createCounters(services),
    };
    built.set(services, leadMagnet);
  }
  return leadMagnet;
}
