// Campaign engine domain: rendering, A/B assignment, sending windows, mail transports, LLM drafting.
export {
  MailboxSecretsError,
  decryptMailboxSecret,
  encryptMailboxSecret,
  loadMailboxSecretsKey,
  parseMailboxSecretsKey,
} from './mailbox-secrets.js';
export { manualClock, systemClock, type Clock } from './clock.js';
export {
  escapeHtml,
  renderEmailContent,
  renderTemplate,
  templatePlaceholders,
  textToHtml,
  type RenderedContent,
  type TemplateContext,
} from './template-render.js';
export { assignVariant, type WeightedVariant } from './ab-assignment.js';
export {
  isWithinSendingWindow,
  nextSendingInstant,
  startOfLocalDay,
  startOfNextLocalDay,
  type SendingWindow,
} from './sending-window.js';
export {
  LlmRetryableError,
  LlmTerminalError,
  createLlmClient,
  parseDraftAnswer,
  type ChatMessage,
  type LlmClient,
  type LlmConfig,
} from './llm-client.js';
export {
  generateTrackingToken,
  hashTrackingToken,
  isWellFormedTrackingToken,
  trackingUrls,
} from './tracking-tokens.js';
export { MACHINE_OPEN_WINDOW_SECONDS, isMachineOpen } from './machine-open.js';
export { addTrackingAndUnsubscribe } from './tracking-footer.js';
export * from './transports/index.js';
export { runSchedulerTick, type SchedulerTickOptions, type SchedulerTickResult } from './scheduler.js';
export {
  DraftError,
  draftTask,
  failDraftTask,
  promptMessages,
  templateContextOf,
  type DraftDeps,
  type DraftResult,
} from './drafting.js';
export { giveUpSend, sendTask, type SendDeps, type SendResult } from './sending.js';
export { TransportCache } from './transport-cache.js';
export { unsubscribePage } from './unsubscribe-page.js';
export * from './webhooks/index.js';
export * from './imap/index.js';
export {
  InboundParseError,
  parseInboundMail,
  sanitizeInboundHtml,
  type DeliveryStatus,
  type InboundMail,
} from './replies/parse-inbound.js';
export { newTextOf } from './replies/quoted-text.js';
export { findReturnDate } from './replies/return-date.js';
export { classifyInbound, type ClassificationResult } from './replies/classify.js';
export {
  DEFAULT_AUTO_REPLY_PAUSE_DAYS,
  applyClassification,
  autoReplyPauseEnd,
  type AppliedClassification,
  type ApplyClassificationInput,
} from './replies/apply-classification.js';
export { matchOutbound, stripReplyPrefixes, type OutboundMatch } from './replies/match-outbound.js';
export { processInboundMail, type InboundDeps, type InboundOutcome } from './replies/process-inbound.js';
export {
  INBOUND_SIGNATURE_TOLERANCE_SECONDS,
  generateInboundSecret,
  signInboundBody,
  verifyInboundAuth,
  type InboundAuthResult,
} from './replies/inbound-signature.js';
export {
  MIN_SENDS_PER_VARIANT,
  compareVariants,
  newcombeDifference,
  normalCdf,
  sampleSizePerVariant,
  twoProportionZTest,
  wilsonInterval,
  type AbComparison,
  type AbVerdictKind,
  type Proportion,
} from './analytics/ab-significance.js';
export { buildCampaignAnalytics, funnelOf } from './analytics/campaign-analytics.js';
