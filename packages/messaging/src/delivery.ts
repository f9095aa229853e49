import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '@prospectflow/observability';
import {
  ATTEMPT_HEADER,
  classifyFailure,
  deadHeaders,
  deadLetter,
  deliveryAttempt,
  republishHeaders,
  type FailureDecision,
} from './failure.js';
import { publishConfirmed } from './publisher.js';
import { RETRY_LEVEL_HEADER, type Topology } from './topology.js';

export interface JobContext {
  queue: string;
  messageId: string | undefined;
  /** 1 on the first delivery; the job is dead-lettered after `maxDeliveries`. */
  attempt: number;
  maxDeliveries: number;
  routingKey: string;
  headers: Record<string, unknown>;
  /**
   * Aborted when the channel the job came on closes (broker or connection lost): the job can no
   * longer be acked and the broker will deliver it again, so a handler working through several
   * units may stop starting new ones.
   */
  signal: AbortSignal;
}

export type JobHandler<T> = (payload: T, context: JobContext) => Promise<void> | void;

/** Anything with a throwing `parse`, e.g. a zod schema from `@prospectflow/contracts`. */
export interface PayloadSchema<T> {
  parse(input: unknown): T;
}

export type JobOutcome = 'ack' | 'retry' | 'dead' | 'requeue';

export interface JobOutcomeEvent {
  queue: string;
  outcome: JobOutcome;
  attempt: number;
  durationMs: number;
}

export interface DeliveryDeps<T> {
  queue: string;
  topology: Topology;
  handler: JobHandler<T>;
  schema?: PayloadSchema<T>;
  log: Logger;
  publishTimeoutMs: number;
  onOutcome?: (event: JobOutcomeEvent) => void;
}

/** Runs the handler for one delivery and settles it: ack, delayed retry, or dead-letter. */
export async function handleDelivery<T>(
  deps: DeliveryDeps<T>,
  channel: ConfirmChannel,
  message: ConsumeMessage,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  const started = performance.now();
  const attempt = deliveryAttempt(message.properties.headers);
  const decision = await runHandler(deps, message, attempt, signal);
  const outcome = await settle(deps, channel, message, attempt, decision);
  const durationMs = Math.round(performance.now() - started);
  logOutcome(
    deps.log,
    { queue: deps.queue, messageId: message.properties.messageId, attempt, durationMs },
    outcome,
    decision,
  );
  deps.onOutcome?.({ queue: deps.queue, outcome, attempt, durationMs });
}

function logOutcome(
  log: Logger,
  fields: Record<string, unknown>,
  outcome: JobOutcome,
  decision: FailureDecision | null,
) {
  if (decision?.action === 'dead' && outcome === 'dead') {
    log.error({ ...fields, reason: decision.reason, err: decision.error }, 'job dead-lettered');
  } else if (decision?.action === 'retry' && outcome === 'retry') {
    log.warn({ ...fields, delayMs: decision.delayMs, err: decision.error }, 'job failed, retry scheduled');
  } else if (outcome === 'ack') {
    log.debug(fields, 'job done');
  } // 'requeue' was logged by settle()
}

async function runHandler<T>(
  deps: DeliveryDeps<T>,
  message: ConsumeMessage,
  attempt: number,
  signal: AbortSignal,
): Promise<FailureDecision | null> {
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch (error) {
    return deadLetter('invalid-json', error);
  }
  let payload: T;
  try {
    payload = deps.schema ? deps.schema.parse(body) : (body as T);
  } catch (error) {
    return deadLetter('invalid-payload', error);
  }
  try {
    await deps.handler(payload, {
      queue: deps.queue,
      messageId: message.properties.messageId as string | undefined,
      attempt,
      maxDeliveries: deps.topology.maxDeliveries,
      routingKey: message.fields.routingKey,
      headers: message.properties.headers ?? {},
      signal,
    });
    return null;
  } catch (error) {
    return classifyFailure(error, attempt, deps.topology.retryDelaysMs);
  }
}

// The original is acked only after its retry or dead-letter copy is confirmed, so a crash in between
// duplicates the job (consumers are idempotent) rather than losing it.
async function settle<T>(
  deps: DeliveryDeps<T>,
  channel: ConfirmChannel,
  message: ConsumeMessage,
  attempt: number,
  decision: FailureDecision | null,
): Promise<JobOutcome> {
  try {
    if (decision?.action === 'retry') {
      const extra = { [RETRY_LEVEL_HEADER]: String(decision.level), [ATTEMPT_HEADER]: attempt + 1 };
      await republish(deps, channel, message, deps.topology.retryExchange, extra);
    } else if (decision?.action === 'dead') {
      await republish(deps, channel, message, deps.topology.deadExchange, deadHeaders(decision, deps.queue, attempt));
    }
    channel.ack(message);
    return decision?.action ?? 'ack';
  } catch (error) {
    try {
      channel.nack(message, false, true);
    } catch {
      // The channel is gone: the broker requeues every unacked message by itself.
    }
    deps.log.warn(
      { queue: deps.queue, messageId: message.properties.messageId, err: String(error) },
      'job not settled, broker will redeliver',
    );
    return 'requeue';
  }
}

function republish<T>(
  deps: DeliveryDeps<T>,
  channel: ConfirmChannel,
  message: ConsumeMessage,
  exchange: string,
  extra: Record<string, string | number>,
): Promise<void> {
  const { properties } = message;
  return publishConfirmed(
    channel,
    exchange,
    deps.queue,
    message.content,
    {
      messageId: typeof properties.messageId === 'string' ? properties.messageId : randomUUID(),
      contentType: properties.contentType as string | undefined,
      correlationId: properties.correlationId as string | undefined,
      timestamp: properties.timestamp as number | undefined,
      headers: republishHeaders(properties.headers, extra),
    },
    deps.publishTimeoutMs,
  );
}
