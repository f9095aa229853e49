import { EventEmitter } from 'node:events';
import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import { startConsumer, type ConsumeOptions, type Consumer } from './consumer.js';
import { declareTopology } from './declare.js';
import type { JobHandler } from './delivery.js';
import { NotConnectedError } from './errors.js';
import { Publisher, type ChannelOwner, type PublishOptions } from './publisher.js';
import { findTopology, type Topology } from './topology.js';

export interface ConnectionOptions {
  url: string;
  /** Declared on every (re)connect; `consume` only accepts their job queues. */
  topologies: readonly Topology[];
  logger?: Logger;
  /** Shown by `rabbitmqctl list_connections client_properties`. */
  connectionName?: string;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number; initialMaxRetries?: number };
  /** A publish not confirmed within this delay rejects (default 10 s). */
  publishTimeoutMs?: number;
  /** How long `close()` and `Consumer.cancel()` wait for running jobs (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface ConnectionEvents {
  connected: [];
  disconnected: [error: Error];
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** Recovery gave up (only with a finite `initialMaxRetries`); the manager is unusable. */
  failed: [error: Error];
}

const noop = () => undefined;

/** One recovering broker connection: declares the topology, re-opens the publisher and consumers after every reconnect. */
export class ConnectionManager extends EventEmitter<ConnectionEvents> {
  readonly log: Logger;
  readonly topologies: readonly Topology[];
  readonly publishTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  #recovering: RecoveringChannelModel | null = null;
  #starting: Promise<void> | null = null;
  #model: ChannelModel | null = null;
  #closed = false;
  readonly #owners = new Set<ChannelOwner>();
  readonly #publisher: Publisher;

  constructor(private readonly options: ConnectionOptions) {
    super();
    if (options.topologies.length === 0) throw new Error('ConnectionManager needs at least one topology');
    this.topologies = options.topologies;
    this.log = options.logger ?? createChildLogger('Messaging');
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.#publisher = new Publisher(this, this.#exchange, this.publishTimeoutMs);
  }

  get #exchange(): string {
    return this.topologies[0]?.exchange ?? '';
  }

  /** Connects (retrying with back-off), declares the topology and opens consumers; resolves once connected. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new NotConnectedError('connection manager is closed'));
    this.#starting ??= this.#start().catch((error: unknown) => {
      this.#starting = null;
      throw error;
    });
    return this.#starting;
  }

  /** True while a connection is open and its topology declared. */
  isConnected(): boolean {
    return this.#model !== null;
  }

  /** The open connection; throws NotConnectedError while disconnected. */
  currentModel(): ChannelModel {
    if (!this.#model) throw new NotConnectedError();
    return this.#model;
  }

  /** Readiness probe: a round trip to the broker (open a channel, check the exchange); throws when down. */
  async ping(): Promise<void> {
    const channel = await this.currentModel().createChannel();
    channel.on('error', noop);
    try {
      await channel.checkExchange(this.#exchange);
    } finally {
      await channel.close().catch(noop);
    }
  }

  /** Publishes a persistent JSON message; resolves once the broker confirmed it, rejects when it cannot. */
  publish(routingKey: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    return this.#publisher.publish(routingKey, payload, options);
  }

  /** Consumes a job queue with manual acks, bounded prefetch, delayed retries and dead-lettering. */
  consume<T>(queue: string, handler: JobHandler<T>, options: ConsumeOptions<T> = {}): Promise<Consumer> {
    const topology = findTopology(this.topologies, queue);
    if (!topology) return Promise.reject(new Error(`"${queue}" is not a job queue of this connection's topologies`));
    return startConsumer(this, { queue, topology, handler, options });
  }

  /** Registers a channel owner; opens it now when connected, else at the next connection. */
  async attach(owner: ChannelOwner): Promise<void> {
    if (this.#closed) throw new NotConnectedError('connection manager is closed');
    this.#owners.add(owner);
    const model = this.#model;
    if (!model) return;
    try {
      await owner.open(model);
    } catch (error) {
      // Lost connection: the owner is opened again on reconnect. Anything else is the caller's error.
      if (this.#model !== model) return;
      this.#owners.delete(owner);
      throw error;
    }
  }

  /** Forgets a channel owner (it closes its own channels). */
  detach(owner: ChannelOwner): void {
    this.#owners.delete(owner);
  }

  /** Graceful shutdown: stops consumers, waits for running jobs (bounded), then closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#owners].map((owner) => owner.close()));
    this.#owners.clear();
    await this.#publisher.close();
    await this.#recovering?.close().catch(noop);
    this.#model = null;
    this.log.info({}, 'broker connection closed');
  }

  async #start(): Promise<void> {
    const reconnect = this.options.reconnect ?? {};
    const recovering = await amqp.connect(this.options.url, {
      clientProperties: { connection_name: this.options.connectionName ?? 'prospectflow' },
      recovery: {
        initialDelay: reconnect.initialDelayMs ?? 500,
        maxDelay: reconnect.maxDelayMs ?? 30_000,
        initialMaxRetries: reconnect.initialMaxRetries ?? Infinity,
        maxRetries: Infinity,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.#setup(model),
      },
    });
    if (this.#closed) {
      await recovering.close();
      throw new NotConnectedError('connection manager closed while connecting');
    }
    this.#recovering = recovering;
    this.#listen(recovering);
    await recovering.waitForConnect();
  }

  // Runs before each connection is handed out: a failure here closes it and schedules the next attempt.
  async #setup(model: ChannelModel): Promise<void> {
    model.on('error', noop); // errors also surface as 'close', which drives recovery
    const channel = await model.createChannel();
    channel.on('error', noop);
    for (const topology of this.topologies) await declareTopology(channel, topology);
    await channel.close();
    await this.#publisher.open(model);
    for (const owner of this.#owners) await owner.open(model);
  }

  #listen(recovering: RecoveringChannelModel): void {
    recovering.on('connect', (model: ChannelModel) => {
      this.#model = model;
      this.log.info({ connection: this.options.connectionName }, 'broker connected');
      this.#emitSafely('connected');
      this.#openLateOwners(model);
    });
    recovering.on('disconnect', (error: Error) => {
      this.#model = null;
      this.log.warn({ err: error.message }, 'broker connection lost');
      this.#emitSafely('disconnected', error);
    });
    recovering.on('connect-failed', (error: Error) => {
      // An inequivalent-argument error never heals by retrying: a queue's policy changed (doc/MESSAGING.md).
      const conflict = /PRECONDITION/.test(error.message);
      if (conflict) this.log.error({ err: error.message }, 'broker topology conflicts with the code');
      else this.log.warn({ err: error.message }, 'broker connection attempt failed');
    });
    recovering.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) => {
      this.log.info({ attempt, delayMs: delay }, 'broker reconnect scheduled');
      this.#emitSafely('reconnecting', { attempt, delayMs: delay });
    });
    recovering.on('reconnect-failed', (error: Error) => {
      this.log.error({ err: error.message }, 'broker reconnect abandoned');
      this.#emitSafely('failed', error);
    });
    recovering.on('error', (error: Error) => this.log.warn({ err: error.message }, 'broker connection error'));
    recovering.on('blocked', (reason: string) => this.log.warn({ reason }, 'broker blocked publishers'));
    recovering.on('unblocked', () => this.log.info({}, 'broker unblocked publishers'));
  }

  // Owners attached while setup was running; open() is a no-op for those setup already opened.
  #openLateOwners(model: ChannelModel): void {
    for (const owner of this.#owners) {
      owner
        .open(model)
        .catch((error: unknown) => this.log.error({ err: String(error) }, 'channel owner failed to open'));
    }
  }

  // A throwing listener must not reach amqplib, which would treat it as a failed connection.
  #emitSafely<K extends keyof ConnectionEvents>(event: K, ...args: ConnectionEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: ConnectionEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.log.error({ event, err: String(error) }, 'connection event listener threw');
    }
  }
}

/** Creates a connection manager (call `connect()` to start it). */
export function createConnectionManager(options: ConnectionOptions): ConnectionManager {
  return new ConnectionManager(options);
}
