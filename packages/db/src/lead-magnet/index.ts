export {
  upsertSignupSubscriber,
  findSubscriberByEmail,
  getSubscriber,
  reopenSubscriber,
  confirmPendingSubscriber,
  unsubscribeSubscriber,
  eraseSubscriber,
  recordSignup,
  type SignupRecord,
  type SignupRecordOutcome,
  type Subscriber,
  type SubscriberStatus,
} from './subscribers.js';
export {
  insertConsentEvent,
  listConsentEvents,
  type ConsentEvent,
  type ConsentEventType,
  type NewConsentEvent,
} from './consent-events.js';
export {
  insertDownloadToken,
  findDownloadToken,
  consumeDownloadToken,
  expireSubscriberTokens,
  deleteDownloadToken,
  type DownloadToken,
  type TokenPurpose,
} from './tokens.js';
export {
  insertEmailJob,
  claimEmailJob,
  getEmailJobStatus,
  markEmailJobSent,
  markEmailJobSkipped,
  releaseEmailJob,
  type ClaimedEmailJob,
  type EmailJobKind,
} from './email-jobs.js';
export { recordLandingVisit } from './visits.js';
export { getLeadMagnetStats, type LeadMagnetStatsRows, type LeadMagnetTotals } from './stats.js';
export { listSubscribers, type SubscriberListFilters } from './subscriber-list.js';
export { exportSubscriber, type SubscriberExport, type ExportedEmailJob } from './subscriber-export.js';
