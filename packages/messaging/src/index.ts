export { DEFAULT_BACKOFF, retryDelayMs, retryDelays, type BackoffOptions } from './backoff.js';
export {
  ConnectionManager,
  createConnectionManager,
  type ConnectionEvents,
  type ConnectionOptions,
} from './connection.js';
export type { ConsumeOptions, Consumer } from './consumer.js';
export { declareTopology } from './declare.js';
export {
  DEFINITIONS_PATH,
  INFRA_TOPOLOGIES,
  renderDefinitions,
  toDefinitions,
  type RabbitDefinitions,
} from './definitions.js';
export type { JobContext, JobHandler, JobOutcome, JobOutcomeEvent, PayloadSchema } from './delivery.js';
export { NotConnectedError, PublishError, RetryableError, TerminalError, type PublishFailure } from './errors.js';
export {
  ATTEMPT_HEADER,
  DEAD_ERROR_HEADER,
  DEAD_REASON_HEADER,
  ERROR_CODE_HEADER,
  ORIGINAL_QUEUE_HEADER,
  classifyFailure,
  deliveryAttempt,
  type DeadReason,
  type FailureDecision,
} from './failure.js';
export { pingBroker } from './ping-broker.js';
export type { PublishOptions } from './publisher.js';
export {
  DEFAULT_EXCHANGE,
  DEFAULT_MAX_DELIVERIES,
  RETRY_LEVEL_HEADER,
  crmTopology,
  defineCrmTopology,
  defineLeadMagnetTopology,
  defineOutreachTopology,
  defineTopology,
  defineWebhooksTopology,
  findTopology,
  leadMagnetTopology,
  outreachTopology,
  webhooksTopology,
  type Topology,
  type TopologyOptions,
} from './topology.js';
