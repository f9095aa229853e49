import { DEFAULT_BACKOFF, retryDelays, type BackoffOptions } from './backoff.js';

export type ArgumentValue = string | number | boolean;

export interface ExchangeSpec {
  name: string;
  type: 'topic' | 'headers' | 'fanout' | 'direct';
}

export interface QueueSpec {
  name: string;
  arguments: Record<string, ArgumentValue>;
}

export interface BindingSpec {
  source: string;
  destination: string;
  routingKey: string;
  arguments: Record<string, string>;
}

export interface TopologyOptions {
  /** Names the family: job queues `<prefix>.<queue>`, retry queues `<prefix>.retry.<n>`, `<prefix>.dead`. */
  prefix: string;
  /** Job queue suffixes, e.g. `['draft', 'send']`; each is bound to the exchange by its full name. */
  queues: readonly string[];
  /** Topic exchange every job is published to (shared by all families). */
  exchange?: string;
  /** Deliveries of one job before it is dead-lettered (1 = never retried). */
  maxDeliveries?: number;
  backoff?: Partial<BackoffOptions>;
}

/** Everything declared for one queue family, as data: the broker, the definitions file and the consumer read it. */
export interface Topology {
  prefix: string;
  exchange: string;
  retryExchange: string;
  deadExchange: string;
  deadQueue: string;
  jobQueues: string[];
  /** `retryQueues[i]` holds jobs for `retryDelaysMs[i]` before they return to their queue. */
  retryQueues: string[];
  retryDelaysMs: number[];
  maxDeliveries: number;
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
}

export const DEFAULT_EXCHANGE = 'prospectflow';
export const DEFAULT_MAX_DELIVERIES = 5;
/** Header the retry exchange routes on; not `x-` prefixed because headers exchanges ignore those. */
export const RETRY_LEVEL_HEADER = 'retry-level';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const QUORUM = { 'x-queue-type': 'quorum' } as const;
// At-least-once dead-lettering keeps a job in its quorum queue until the target queue has confirmed it.
const SAFE_DEAD_LETTERING = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } as const;

function assertName(kind: string, value: string): void {
  if (!NAME.test(value)) throw new Error(`invalid ${kind} "${value}": use lower-case letters, digits, - and _`);
}

/** Builds the exchanges, quorum queues and bindings of one queue family with its retry and dead-letter path. */
export function defineTopology(options: TopologyOptions): Topology {
  const { prefix, exchange = DEFAULT_EXCHANGE, maxDeliveries = DEFAULT_MAX_DELIVERIES } = options;
  assertName('prefix', prefix);
  options.queues.forEach((queue) => assertName('queue', queue));
  if (options.queues.length === 0) throw new Error(`topology "${prefix}" needs at least one queue`);
  const delays = retryDelays(maxDeliveries, { ...DEFAULT_BACKOFF, ...options.backoff });
  const jobQueues = options.queues.map((queue) => `${prefix}.${queue}`);
  const retryQueues = delays.map((_, index) => `${prefix}.retry.${index + 1}`);
  const retryExchange = `${prefix}.retry`;
  const deadExchange = `${prefix}.dead`;
  const deadQueue = `${prefix}.dead`;
  return {
    prefix,
    exchange,
    retryExchange,
    deadExchange,
    deadQueue,
    jobQueues,
    retryQueues,
    retryDelaysMs: delays,
    maxDeliveries,
    exchanges: [
      { name: exchange, type: 'topic' },
      { name: retryExchange, type: 'headers' },
      { name: deadExchange, type: 'fanout' },
    ],
    queues: [
      ...jobQueues.map((name) => ({
        name,
        arguments: {
          ...QUORUM,
          'x-delivery-limit': maxDeliveries - 1,
          'x-dead-letter-exchange': deadExchange,
          ...SAFE_DEAD_LETTERING,
        },
      })),
      ...retryQueues.map((name, index) => ({
        name,
        // The default exchange ('') routes the expired job by its routing key, which is its job queue's name.
        arguments: {
          ...QUORUM,
          'x-message-ttl': delays[index] ?? 0,
          'x-dead-letter-exchange': '',
          ...SAFE_DEAD_LETTERING,
        },
      })),
      { name: deadQueue, arguments: { ...QUORUM } },
    ],
    bindings: [
      ...jobQueues.map((name) => ({ source: exchange, destination: name, routingKey: name, arguments: {} })),
      ...retryQueues.map((name, index) => ({
        source: retryExchange,
        destination: name,
        routingKey: '',
        arguments: { 'x-match': 'all', [RETRY_LEVEL_HEADER]: String(index + 1) },
      })),
      { source: deadExchange, destination: deadQueue, routingKey: '', arguments: {} },
    ],
  };
}

/** The topology that owns `queue` as a job queue, or undefined. */
export function findTopology(topologies: readonly Topology[], queue: string): Topology | undefined {
  return topologies.find((topology) => topology.jobQueues.includes(queue));
}

/** B2B outreach jobs: drafting, sending, follow-up scheduling and reply handling. */
export function defineOutreachTopology(overrides: Pick<TopologyOptions, 'maxDeliveries' | 'backoff'> = {}): Topology {
  return defineTopology({ prefix: 'outreach', queues: ['draft', 'send', 'followup', 'reply'], ...overrides });
}

/** The outreach family with the default policy (5 deliveries), as written to infra/rabbitmq/definitions.json. */
export const outreachTopology: Topology = defineOutreachTopology();

/** CRM jobs: CSV imports processed in the background (`crm.import`). */
export function defineCrmTopology(overrides: Pick<TopologyOptions, 'maxDeliveries' | 'backoff'> = {}): Topology {
  return defineTopology({ prefix: 'crm', queues: ['import'], ...overrides });
}

/** The crm family with the default policy, as written to infra/rabbitmq/definitions.json. */
export const crmTopology: Topology = defineCrmTopology();

/** Lead-magnet jobs: the double opt-in and download emails (`lead-magnet.email`, doc/LEAD-MAGNET.md). */
export function defineLeadMagnetTopology(overrides: Pick<TopologyOptions, 'maxDeliveries' | 'backoff'> = {}): Topology {
  return defineTopology({ prefix: 'lead-magnet', queues: ['email'], ...overrides });
}

/** The lead-magnet family with the default policy, as written to infra/rabbitmq/definitions.json. */
export const leadMagnetTopology: Topology = defineLeadMagnetTopology();

/** Outbound webhook deliveries (`webhooks.deliver`, doc/OUTREACH.md "Outbound webhooks"). */
export function defineWebhooksTopology(overrides: Pick<TopologyOptions, 'maxDeliveries' | 'backoff'> = {}): Topology {
  return defineTopology({ prefix: 'webhooks', queues: ['deliver'], ...overrides });
}

/** The webhooks family with the default policy, as written to infra/rabbitmq/definitions.json. */
export const webhooksTopology: Topology = defineWebhooksTopology();
