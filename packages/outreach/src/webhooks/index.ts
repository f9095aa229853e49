// Outbound webhooks (doc/OUTREACH.md "Outbound webhooks"): signing, target policy, delivery.
export { generateWebhookSecret, signWebhook, verifyWebhookSignature } from './signature.js';
export { isNonPublicAddress, webhookTargetPolicy, webhookUrlProblem, type WebhookTargetPolicy } from './url-policy.js';
export { WebhookNetworkError, postWebhook, type PostResult } from './http-post.js';
export {
  deliverWebhook,
  webhookBody,
  type WebhookAttemptOutcome,
  type WebhookAttemptResult,
  type WebhookDeliveryDeps,
} from './deliver.js';
export { emitClassificationWebhooks } from './classification-events.js';
