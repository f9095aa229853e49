import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { describe, expect, inject, it } from 'vitest';
import { createConnectionManager, renderDefinitions } from '../src/index.js';
import { pollUntil, quietLogger, testTopology } from './support.js';

const run = promisify(execFile);

/** `rabbitmqctl import_definitions`; the CLI runs as the rabbitmq user, so the file must be world-readable. */
async function importDefinitions(json: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-definitions-'));
  try {
    await chmod(dir, 0o755);
    const file = join(dir, 'definitions.json');
    await writeFile(file, json, { mode: 0o644 });
    await run('rabbitmqctl', ['import_definitions', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function queueExists(connection: amqp.ChannelModel, queue: string): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
    await channel.close();
    return true;
  } catch {
    return false; // a missing queue closes the channel
  }
}

describe('definitions file', () => {
  it('imports into the broker as exactly what the code declares (no inequivalent arguments)', async () => {
    const url = inject('rabbitmqUrl');
    const topology = testTopology('defs', { queues: ['draft', 'send'], maxDeliveries: 5 });
    await importDefinitions(renderDefinitions([topology], decodeURIComponent(new URL(url).pathname.slice(1))));

    // The import runs asynchronously on the broker: wait for every queue before declaring over it.
    const raw = await amqp.connect(url);
    for (const queue of topology.queues) await pollUntil(() => queueExists(raw, queue.name));
    await raw.close();

    const manager = createConnectionManager({
      url,
      topologies: [topology],
      logger: quietLogger,
      reconnect: { initialMaxRetries: 0 },
    });
    await expect(manager.connect()).resolves.toBeUndefined();
    const received: unknown[] = [];
    await manager.consume(topology.jobQueues[1]!, (payload) => void received.push(payload));
    await manager.publish(topology.jobQueues[1]!, { imported: true });
    await pollUntil(() => received.length === 1);
    await manager.close();
  });
});
