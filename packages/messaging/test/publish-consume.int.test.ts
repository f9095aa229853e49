import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotConnectedError, type ConnectionManager, type JobContext } from '../src/index.js';
import { pollUntil, readyCount, takeMessage, testManager, testTopology } from './support.js';

const topology = testTopology('pubsub', { queues: ['jobs', 'validated', 'gated'] });
const [jobs, validated, gated] = topology.jobQueues as [string, string, string];
let manager: ConnectionManager;

beforeAll(async () => {
  manager = testManager([topology]);
  await manager.connect();
});
afterAll(() => manager.close());

describe('publish and consume', () => {
  it('delivers a confirmed JSON message to its handler and acks it', async () => {
    const seen: { payload: unknown; context: JobContext }[] = [];
    const consumer = await manager.consume<{ stepId: string }>(jobs, (payload, context) => {
      seen.push({ payload, context });
    });
    await manager.publish(jobs, { stepId: 'step-1' }, { messageId: 'outbox-1', headers: { tenant: 'org-1' } });

    const [first] = await pollUntil(() => seen.length === 1 && seen);
    expect(first?.payload).toEqual({ stepId: 'step-1' });
    expect(first?.context).toMatchObject({
      queue: jobs,
      messageId: 'outbox-1',
      attempt: 1,
      maxDeliveries: 3,
      routingKey: jobs,
    });
    expect(first?.context.headers).toMatchObject({ tenant: 'org-1' });
    await consumer.cancel();
    expect(await readyCount(manager, jobs)).toBe(0);
  });

  it('dead-letters payloads the schema rejects and bodies that are not JSON', async () => {
    const schema = {
      parse(input: unknown): { email: string } {
        if (typeof input === 'object' && input !== null && typeof (input as { email?: unknown }).email === 'string') {
          return input as { email: string };
        }
        throw new Error('email is required');
      },
    };
    let calls = 0;
    const consumer = await manager.consume(validated, () => void calls++, { schema });
    await manager.publish(validated, { name: 'no email' }, { messageId: 'bad-payload' });
    const invalid = await takeMessage(manager, topology.deadQueue);
    expect(invalid.properties.messageId).toBe('bad-payload');
    expect(invalid.properties.headers).toMatchObject({
      'x-dead-reason': 'invalid-payload',
      'x-original-queue': validated,
    });
    expect(String(invalid.properties.headers?.['x-dead-error'])).toContain('email is required');

    const raw = await manager.currentModel().createConfirmChannel();
    raw.publish(topology.exchange, validated, Buffer.from('{not json'), { messageId: 'bad-json', persistent: true });
    await raw.waitForConfirms();
    await raw.close();
    const garbled = await takeMessage(manager, topology.deadQueue);
    expect(garbled.properties.headers).toMatchObject({ 'x-dead-reason': 'invalid-json' });
    expect(garbled.content.toString()).toBe('{not json');
    expect(calls).toBe(0);
    await consumer.cancel();
  });

  it('never holds more unacked jobs than the prefetch', async () => {
    let active = 0;
    let handled = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = await manager.consume(
      gated,
      async () => {
        active++;
        await gate;
        active--;
        handled++;
      },
      { prefetch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => manager.publish(gated, { n })));
    await pollUntil(async () => active === 2 && (await readyCount(manager, gated)) === 3);
    release();
    await pollUntil(() => handled === 5);
    await consumer.cancel();
  });

  it('rejects a publish no queue is bound for', async () => {
    await expect(manager.publish('nowhere.at-all', { x: 1 })).rejects.toMatchObject({
      name: 'PublishError',
      code: 'unroutable',
    });
  });

  it('answers ping while connected', async () => {
    expect(manager.isConnected()).toBe(true);
    await expect(manager.ping()).resolves.toBeUndefined();
  });

  it('rejects consuming a queue outside its topologies and an unbounded prefetch', async () => {
    await expect(manager.consume('outreach.elsewhere', () => undefined)).rejects.toThrow(/not a job queue/);
    await expect(manager.consume(jobs, () => undefined, { prefetch: 0 })).rejects.toThrow(RangeError);
  });

  it('fails fast once closed: publish, ping and isConnected', async () => {
    const closed = testManager([topology]);
    await closed.connect();
    await closed.close();
    expect(closed.isConnected()).toBe(false);
    await expect(closed.publish(jobs, { x: 1 })).rejects.toBeInstanceOf(NotConnectedError);
    await expect(closed.ping()).rejects.toBeInstanceOf(NotConnectedError);
  });
});
