import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '@prospectflow/observability';
import {
  handleDelivery,
  type DeliveryDeps,
  type JobHandler,
  type JobOutcomeEvent,
  type PayloadSchema,
} from './delivery.js';
import { watchReturns, type ChannelOwner } from './publisher.js';
import type { Topology } from './topology.js';

export interface ConsumeOptions<T> {
  /** Unacked jobs the broker hands this consumer at once (1–1000, default 10). */
  prefetch?: number;
  /** Validates the decoded JSON; a payload it rejects is dead-lettered. A zod schema fits. */
  schema?: PayloadSchema<T>;
  /** Called after each job is settled, e.g. to feed a prom-client histogram. */
  onOutcome?: (event: JobOutcomeEvent) => void;
}

export interface Consumer {
  readonly queue: string;
  /** Stops receiving, waits (bounded) for running jobs, then closes the channel. */
  cancel(): Promise<void>;
}

/** What a consumer needs from its connection manager. */
export interface ConsumerHost {
  log: Logger;
  publishTimeoutMs: number;
  shutdownTimeoutMs: number;
  isConnected(): boolean;
  currentModel(): ChannelModel;
  attach(owner: ChannelOwner): Promise<void>;
  detach(owner: ChannelOwner): void;
}

const DEFAULT_PREFETCH = 10;
const REOPEN_MIN_MS = 1000;
const REOPEN_MAX_MS = 30_000;
const noop = () => undefined;

/** Starts consuming now (or at the next connection); each consumer owns one confirm channel. */
export async function startConsumer<T>(
  host: ConsumerHost,
  spec: { queue: string; topology: Topology; handler: JobHandler<T>; options: ConsumeOptions<T> },
): Promise<Consumer> {
  const prefetch = spec.options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 1000) {
    throw new RangeError(`prefetch must be an integer between 1 and 1000, got ${prefetch}`);
  }
  const consumer = new QueueConsumer(host, prefetch, {
    queue: spec.queue,
    topology: spec.topology,
    handler: spec.handler,
    schema: spec.options.schema,
    onOutcome: spec.options.onOutcome,
    log: host.log,
    publishTimeoutMs: host.publishTimeoutMs,
  });
  await host.attach(consumer);
  return consumer;
}

class QueueConsumer<T> implements ChannelOwner, Consumer {
  readonly queue: string;
  #channel: ConfirmChannel | null = null;
  #model: ChannelModel | null = null;
  #consumerTag: string | null = null;
  #stopped = false;
  #reopenTimer: NodeJS.Timeout | null = null;
  #reopenDelayMs = REOPEN_MIN_MS;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: ConsumerHost,
    private readonly prefetch: number,
    private readonly deps: DeliveryDeps<T>,
  ) {
    this.queue = deps.queue;
  }

  /** Opens a channel and a consumer on `model`; a no-op when already consuming on it. */
  async open(model: ChannelModel): Promise<void> {
    if (this.#stopped || this.#model === model) return;
    this.#model = model;
    try {
      await this.#consumeOn(await model.createConfirmChannel());
    } catch (error) {
      this.#model = null;
      throw error;
    }
  }

  async #consumeOn(channel: ConfirmChannel): Promise<void> {
    channel.on('error', (error: Error) =>
      this.host.log.warn({ queue: this.queue, err: error.message }, 'consumer channel error'),
    );
    const closed = new AbortController();
    channel.on('close', () => {
      closed.abort();
      this.#onChannelClosed(channel);
    });
    watchReturns(channel);
    try {
      await channel.prefetch(this.prefetch);
      const onMessage = (message: ConsumeMessage | null) => this.#onMessage(channel, message, closed.signal);
      const { consumerTag } = await channel.consume(this.queue, onMessage, { noAck: false });
      this.#channel = channel;
      this.#consumerTag = consumerTag;
      this.#reopenDelayMs = REOPEN_MIN_MS;
      this.host.log.info({ queue: this.queue, prefetch: this.prefetch }, 'consumer started');
    } catch (error) {
      await channel.close().catch(noop);
      throw error;
    }
  }

  async cancel(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#reopenTimer) clearTimeout(this.#reopenTimer);
    this.host.detach(this);
    const channel = this.#channel;
    if (channel && this.#consumerTag) await channel.cancel(this.#consumerTag).catch(noop);
    await this.#drain();
    await channel?.close().catch(noop);
    this.host.log.info({ queue: this.queue }, 'consumer stopped');
  }

  close(): Promise<void> {
    return this.cancel();
  }

  #onMessage(channel: ConfirmChannel, message: ConsumeMessage | null, closed: AbortSignal): void {
    if (message === null) {
      // The broker cancelled us (queue deleted or failed over): start again on a fresh channel.
      this.host.log.warn({ queue: this.queue }, 'consumer cancelled by the broker');
      channel.close().catch(noop);
      return;
    }
    const task: Promise<void> = handleDelivery(this.deps, channel, message, closed)
      .catch((error: unknown) => this.host.log.error({ queue: this.queue, err: String(error) }, 'job handling crashed'))
      .finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
  }

  #onChannelClosed(channel: ConfirmChannel): void {
    if (this.#channel !== channel) return;
    this.#channel = null;
    this.#consumerTag = null;
    this.#model = null;
    if (!this.#stopped) this.#scheduleReopen();
  }

  // After a lost connection the manager re-opens every owner itself, so this only matters when the
  // channel alone died (channel error, broker-side cancel) on a connection that stayed up.
  #scheduleReopen(): void {
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = null;
      if (this.#stopped || !this.host.isConnected()) return;
      this.open(this.host.currentModel()).catch((error: unknown) => {
        this.host.log.warn({ queue: this.queue, err: String(error) }, 'consumer re-open failed');
        this.#scheduleReopen();
      });
    }, this.#reopenDelayMs);
    this.#reopenDelayMs = Math.min(this.#reopenDelayMs * 2, REOPEN_MAX_MS);
  }

  async #drain(): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.host.shutdownTimeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
    clearTimeout(timer);
  }
}
