import { afterAll, describe, expect, it } from 'vitest';
import { createConnectionManager, declareTopology, NotConnectedError } from '../src/index.js';
import {
  closeConnectionFromBroker,
  pollUntil,
  quietLogger,
  testManager,
  testTopology,
  uniquePrefix,
} from './support.js';

const topology = testTopology('reconnect');
const [jobs] = topology.jobQueues as [string];
const connectionName = uniquePrefix('reconnect');
const manager = testManager([topology], connectionName);
afterAll(() => manager.close());

describe('connection recovery', () => {
  it('survives the broker closing the connection: same manager, same consumer, publishing works again', async () => {
    const events: string[] = [];
    manager.on('connected', () => events.push('connected'));
    manager.on('disconnected', () => events.push('disconnected'));
    const received: number[] = [];
    await manager.consume<{ n: number }>(jobs, ({ n }) => void received.push(n));
    await manager.connect();
    await manager.publish(jobs, { n: 1 });
    await pollUntil(() => received.includes(1));

    await closeConnectionFromBroker(connectionName);
    await pollUntil(() => events.filter((e) => e === 'connected').length === 2 && manager.isConnected());
    expect(events).toEqual(['connected', 'disconnected', 'connected']);

    await manager.ping();
    await manager.publish(jobs, { n: 2 });
    await pollUntil(() => received.includes(2));
    expect(received).toEqual([1, 2]);
  });

  it('reports not connected while the broker is unreachable, and connect() gives up when told to', async () => {
    const unreachable = createConnectionManager({
      url: 'amqp://guest:guest@127.0.0.1:1',
      topologies: [topology],
      logger: quietLogger,
      reconnect: { initialDelayMs: 10, initialMaxRetries: 1 },
    });
    await expect(unreachable.connect()).rejects.toThrow();
    expect(unreachable.isConnected()).toBe(false);
    await expect(unreachable.publish(jobs, {})).rejects.toBeInstanceOf(NotConnectedError);
    await expect(unreachable.ping()).rejects.toBeInstanceOf(NotConnectedError);
    await unreachable.close();
  });
});

describe('consumer channel recovery', () => {
  it('re-opens a consumer whose channel the broker closed, and the unsettled job comes back', async () => {
    const local = testTopology('channel-error');
    const [queue] = local.jobQueues as [string];
    const owner = testManager([local]);
    await owner.connect();
    const attempts: number[] = [];
    await owner.consume(queue, (_payload, { attempt }) => {
      attempts.push(attempt);
      if (attempts.length === 1) throw new Error('first try fails');
    });
    // Without its retry exchange, the retry publish is a channel error (404) that closes the consumer channel.
    const admin = await owner.currentModel().createChannel();
    await admin.deleteExchange(local.retryExchange);
    await owner.publish(queue, { n: 1 });
    await pollUntil(() => attempts.length === 1);
    await declareTopology(admin, local);
    await admin.close();

    await pollUntil(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]); // redelivered by the broker: x-delivery-count counts towards maxDeliveries
    expect(owner.isConnected()).toBe(true);
    await owner.close();
  });
});
