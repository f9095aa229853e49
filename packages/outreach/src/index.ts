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
  promptMessages,
  templateContextOf,
  type DraftDeps,
  type DraftResult,
} from './drafting.js';
export { giveUpSend, sendTask, type SendDeps, type SendResult } from './sending.js';
export { TransportCache } from './transport-cache.js';
export { unsubscribePage } from './unsubscribe-page.js';
