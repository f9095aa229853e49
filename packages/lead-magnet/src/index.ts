export * from './contracts.js';
export { submitSignup, resend, queueEmail, type SignupOutcome, type ResendOutcome } from './signup.js';
export {
  confirmToken,
  unsubscribe,
  type ConfirmResult,
  type UnsubscribeResult,
  type PresignDownload,
} from './confirm.js';
export { deliverEmailJob, type EmailJobDeps, type EmailJobOutcome, type SendEmail } from './email-job.js';
export { renderLeadMagnetEmail, buildEmailLinks, type OutgoingEmail, type EmailLinks } from './email-templates.js';
export { EmailJobBusyError } from './errors.js';
export { generateToken, hashToken, TOKEN_TTL_SECONDS } from './tokens.js';
export { createS3Download, GUIDE_KEY, GUIDE_FILENAME, type S3DownloadConfig } from './s3.js';
export { createSesMailer, type SesMailerConfig } from './ses.js';
export { getStats, recordVisit, KPI_TARGETS, type Kpi, type LeadMagnetStats } from './stats.js';
