import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, TerminalError, type ConnectionManager } from '../src/index.js';
import { pollUntil, readyCount, takeMessage, testManager, testTopology } from './support.js';

// maxDeliveries 3, retry delays 200 ms then 400 ms.
const topology = testTopology('retry', { queues: ['flaky', 'doomed', 'terminal', 'crashing'] });
const [flaky, doomed, terminal, crashing] = topology.jobQueues as [string, string, string, string];
let manager: ConnectionManager;

beforeAll(async () => {
  manager = testManager([topology]);
  await manager.connect();
});
afterAll(() => manager.close());

describe('retry and dead-letter policy', () => {
  it('retries a failed job after the back-off delay, then acks it', async () => {
    const attempts: number[] = [];
    const consumer = await manager.consume(flaky, (_payload, { attempt }) => {
      attempts.push(attempt);
      if (attempt === 1) throw new RetryableError('smtp 421 try later');
    });
    await manager.publish(flaky, { id: 1 });
    await pollUntil(() => attempts.length === 2);
    await consumer.cancel();
    expect(attempts).toEqual([1, 2]);
    expect(await readyCount(manager, topology.deadQueue)).toBe(0);
  });

  it('waits at least each retry delay, then dead-letters after maxDeliveries with the reason', async () => {
    const calls: { attempt: number; at: number }[] = [];
    const consumer = await manager.consume(doomed, (_payload, { attempt }) => {
      calls.push({ attempt, at: performance.now() });
      throw new Error('provider unavailable');
    });
    await manager.publish(doomed, { id: 2 }, { messageId: 'doomed-1', headers: { tenant: 'org-9' } });

    const dead = await takeMessage(manager, topology.deadQueue);
    await consumer.cancel();
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = calls as [(typeof calls)[0], (typeof calls)[0], (typeof calls)[0]];
    expect(second.at - first.at).toBeGreaterThanOrEqual(topology.retryDelaysMs[0]!);
    expect(third.at - second.at).toBeGreaterThanOrEqual(topology.retryDelaysMs[1]!);
    expect(dead.properties.messageId).toBe('doomed-1');
    expect(JSON.parse(dead.content.toString())).toEqual({ id: 2 });
    expect(dead.properties.headers).toMatchObject({
      tenant: 'org-9',
      'x-dead-reason': 'max-deliveries',
      'x-dead-error': 'Error: provider unavailable',
      'x-original-queue': doomed,
      'x-attempt': 3,
    });
  });

  it('sends a TerminalError straight to the dead-letter queue', async () => {
    let calls = 0;
    const consumer = await manager.consume(terminal, () => {
      calls++;
      throw new TerminalError('recipient rejected', { code: 'smtp_550' });
    });
    await manager.publish(terminal, { id: 3 }, { messageId: 'terminal-1' });

    const dead = await takeMessage(manager, topology.deadQueue);
    await consumer.cancel();
    expect(calls).toBe(1);
    expect(dead.properties.headers).toMatchObject({
      'x-dead-reason': 'terminal',
      'x-dead-error': 'TerminalError: recipient rejected',
      'x-error-code': 'smtp_550',
      'x-attempt': 1,
    });
  });

  it('lets the broker dead-letter a job whose consumers keep dying before acking (delivery limit)', async () => {
    const channel = await manager.currentModel().createChannel();
    let deliveries = 0;
    await channel.consume(crashing, (message) => {
      deliveries++;
      if (message) channel.nack(message, false, true);
    });
    await manager.publish(crashing, { id: 4 }, { messageId: 'crash-loop' });

    const dead = await takeMessage(manager, topology.deadQueue);
    await channel.close();
    expect(deliveries).toBe(topology.maxDeliveries);
    expect(dead.properties.messageId).toBe('crash-loop');
    expect(dead.properties.headers).toMatchObject({
      'x-first-death-reason': 'delivery_limit',
      'x-first-death-queue': crashing,
    });
  });
});
