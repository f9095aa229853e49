import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from '@prospectflow/observability';
import { NotConnectedError, PublishError } from './errors.js';

export interface PublishOptions {
  /** Stable id (e.g. the outbox row id) so consumers can drop duplicates; a UUID when omitted. */
  messageId?: string;
  headers?: Record<string, unknown>;
  correlationId?: string;
  /** Overrides the manager's exchange. */
  exchange?: string;
}

/** Something that owns channels on the current connection and re-opens them after a reconnect. */
export interface ChannelOwner {
  open(model: ChannelModel): Promise<void>;
  close(): Promise<void>;
}

const returnedIds = new WeakMap<ConfirmChannel, Set<string>>();

/** Records the ids of mandatory messages the broker could not route (a return precedes its ack). */
export function watchReturns(channel: ConfirmChannel): void {
  const ids = new Set<string>();
  returnedIds.set(channel, ids);
  channel.on('return', (message: Message) => {
    if (typeof message.properties.messageId === 'string') ids.add(message.properties.messageId);
  });
}

/** Publishes a persistent, mandatory message and resolves once the broker confirms it was queued. */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish & { messageId: string },
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const target = `${exchange || '(default)'}/${routingKey}`;
    const timer = setTimeout(
      () => reject(new PublishError('timeout', `no confirm within ${timeoutMs} ms for ${target}`)),
      timeoutMs,
    );
    const settle = (error: unknown) => {
      clearTimeout(timer);
      const returned = returnedIds.get(channel);
      if (error) {
        const closed = error instanceof Error && /closed/i.test(error.message);
        reject(
          new PublishError(closed ? 'channel_closed' : 'nacked', `publish to ${target} not confirmed`, {
            cause: error,
          }),
        );
      } else if (returned?.delete(options.messageId)) {
        reject(new PublishError('unroutable', `no queue is bound for ${target}`));
      } else {
        resolve();
      }
    };
    try {
      channel.publish(exchange, routingKey, content, { ...options, persistent: true, mandatory: true }, settle);
    } catch (error) {
      settle(error);
    }
  });
}

/** Publishes JSON jobs on one confirm channel, opened per connection and re-opened on demand. */
export class Publisher implements ChannelOwner {
  #channel: ConfirmChannel | null = null;
  #channelModel: ChannelModel | null = null;
  #opening: Promise<ConfirmChannel> | null = null;

  constructor(
    private readonly host: { currentModel(): ChannelModel; log: Logger },
    private readonly exchange: string,
    private readonly timeoutMs: number,
  ) {}

  async open(model: ChannelModel): Promise<void> {
    await this.#channelOn(model);
  }

  async close(): Promise<void> {
    const channel = this.#channel;
    this.#channel = null;
    await channel?.close().catch(() => undefined);
  }

  /** Resolves only once the broker has confirmed the message; rejects (retry later) otherwise. */
  async publish(routingKey: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    if (payload === undefined) throw new TypeError('cannot publish an undefined payload');
    const content = Buffer.from(JSON.stringify(payload));
    const channel = await this.#channelOn(this.host.currentModel());
    await publishConfirmed(
      channel,
      options.exchange ?? this.exchange,
      routingKey,
      content,
      {
        messageId: options.messageId ?? randomUUID(),
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
        headers: options.headers,
        correlationId: options.correlationId,
      },
      this.timeoutMs,
    );
  }

  #channelOn(model: ChannelModel): Promise<ConfirmChannel> {
    if (this.#channel && this.#channelModel === model) return Promise.resolve(this.#channel);
    this.#opening ??= this.#create(model).finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #create(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel().catch((error: unknown) => {
      throw new NotConnectedError(`cannot open a publish channel: ${String(error)}`);
    });
    channel.on('error', (error: Error) => this.host.log.warn({ err: error.message }, 'publish channel error'));
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = null;
    });
    watchReturns(channel);
    this.#channel = channel;
    this.#channelModel = model;
    return channel;
  }
}
