import {
  claimEmailJob,
  deleteDownloadToken,
  getEmailJobStatus,
  insertDownloadToken,
  markEmailJobSent,
  markEmailJobSkipped,
  releaseEmailJob,
  type ClaimedEmailJob,
  type Pool,
} from '@prospectflow/db';
import { createChildLogger } from '@prospectflow/observability';
import { LeadMagnetEmailJob } from './contracts.js';
import { buildEmailLinks, renderLeadMagnetEmail, type OutgoingEmail } from './email-templates.js';
import { EmailJobBusyError, parseOrThrow } from './errors.js';
import { generateToken, hashToken, TOKEN_TTL_SECONDS } from './tokens.js';

/** Sends one email; resolves with the provider's message id (SES v2 in production). */
export type SendEmail = (email: OutgoingEmail) => Promise<string>;

export interface EmailJobDeps {
  pool: Pool;
  sendEmail: SendEmail;
  /** Public origin of the web app, e.g. https://app.example.com (links point to /api/lead-magnet/*). */
  publicBaseUrl: string;
  /** How long a sender holds a job before another delivery may take it over. */
  leaseSeconds?: number;
}

export type EmailJobOutcome = 'sent' | 'skipped' | 'already_done' | 'gone';

const log = createChildLogger('LeadMagnetEmail');

/**
 * Handles one `lead-magnet.email` message: leases the job, creates a fresh 48 h token, sends the
 * email, marks the job sent. A redelivered job already sent is acknowledged without sending; a job
 * leased by another sender throws EmailJobBusyError (retry later); a send failure rethrows.
 */
export async function deliverEmailJob(deps: EmailJobDeps, message: unknown): Promise<EmailJobOutcome> {
  const job = parseOrThrow(LeadMagnetEmailJob, message);
  const claimed = await claimEmailJob(deps.pool, job.jobId, deps.leaseSeconds ?? 60);
  if (!claimed) return explainUnclaimed(deps.pool, job.jobId);
  if (claimed.subscriberStatus === 'unsubscribed' || claimed.subscriberStatus === 'bounced') {
    await markEmailJobSkipped(deps.pool, claimed.id);
    log.info({ jobId: claimed.id, kind: claimed.kind, outcome: 'skipped' }, 'lead-magnet email skipped');
    return 'skipped';
  }
  await sendClaimed(deps, claimed);
  log.info({ jobId: claimed.id, kind: claimed.kind, attempt: claimed.attempts }, 'lead-magnet email sent');
  return 'sent';
}

async function explainUnclaimed(pool: Pool, jobId: string): Promise<EmailJobOutcome> {
  const status = await getEmailJobStatus(pool, jobId);
  if (status === null) return 'gone';
  if (status === 'pending') throw new EmailJobBusyError();
  return 'already_done';
}

// The token is committed before the send: if the process dies after SES accepted the email, the
// link it carries still works (the job is then sent again after the lease: at-least-once).
async function sendClaimed(deps: EmailJobDeps, job: ClaimedEmailJob): Promise<void> {
  const token = generateToken();
  const purpose = job.kind === 'confirm' ? 'confirm_and_download' : 'download_only';
  const tokenId = await insertDownloadToken(deps.pool, {
    subscriberId: job.subscriberId,
    tokenHash: hashToken(token),
    purpose,
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  const email = renderLeadMagnetEmail(job.kind, job.email, buildEmailLinks(deps.publicBaseUrl, token));
  let providerMessageId: string;
  try {
    providerMessageId = await deps.sendEmail(email);
  } catch (error) {
    await deleteDownloadToken(deps.pool, tokenId);
    await releaseEmailJob(
      deps.pool,
      job.id,
      error instanceof Error ? `${error.name}: ${error.message}` : 'send failed',
    );
    throw error;
  }
  await markEmailJobSent(deps.pool, job.id, { tokenId, providerMessageId });
}
