import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { GetMessage } from 'amqplib';
import { inject } from 'vitest';
import { createLogger, type Logger } from '@prospectflow/observability';
import {
  createConnectionManager,
  defineTopology,
  type ConnectionManager,
  type Topology,
  type TopologyOptions,
} from '../src/index.js';

const run = promisify(execFile);

import { pollUntil } from '@prospectflow/testing';

export { pollUntil };

/** A prefix no other test file uses, so files can share the run's vhost in parallel. */
export function uniquePrefix(name: string): string {
  return `t${randomBytes(3).toString('hex')}-${name}`;
}

/** A topology with tiny retry delays for tests. */
export function testTopology(name: string, options: Partial<TopologyOptions> = {}): Topology {
  return defineTopology({
    prefix: uniquePrefix(name),
    queues: ['jobs'],
    maxDeliveries: 3,
    backoff: { initialDelayMs: 200, factor: 2, maxDelayMs: 1000 },
    ...options,
  });
}

export const quietLogger: Logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A connection manager on the run's throwaway vhost with fast reconnects. */
export function testManager(topologies: Topology[], connectionName = uniquePrefix('conn')): ConnectionManager {
  return createConnectionManager({
    url: inject('rabbitmqUrl'),
    topologies,
    connectionName,
    logger: quietLogger,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    shutdownTimeoutMs: 2000,
  });
}

/** Closes, from the broker side, the connection whose client named itself `connectionName`. */
export async function closeConnectionFromBroker(connectionName: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    '-q',
    '--no-table-headers',
    'pid',
    'client_properties',
  ]);
  const line = stdout.split('\n').find((row) => row.includes(`{"connection_name","${connectionName}"}`));
  const pid = line?.split('\t')[0];
  if (!pid) throw new Error(`no broker connection named ${connectionName}`);
  await run('rabbitmqctl', ['close_connection', pid, 'test: forced close']);
}

/** Waits for the next message on `queue` (basic.get, auto-ack) through a short-lived channel of `manager`. */
export async function takeMessage(manager: ConnectionManager, queue: string, timeoutMs = 10_000): Promise<GetMessage> {
  const channel = await manager.currentModel().createChannel();
  try {
    return await pollUntil(() => channel.get(queue, { noAck: true }), { timeoutMs });
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Ready messages in `queue`. */
export async function readyCount(manager: ConnectionManager, queue: string): Promise<number> {
  const channel = await manager.currentModel().createChannel();
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
