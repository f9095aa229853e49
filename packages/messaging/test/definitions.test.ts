import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS_PATH, INFRA_TOPOLOGIES, renderDefinitions, toDefinitions } from '../src/definitions.js';
import { defineTopology, outreachTopology } from '../src/topology.js';

describe('definitions export', () => {
  it('matches the committed infra/rabbitmq/definitions.json (run `pnpm --filter @prospectflow/messaging definitions`)', async () => {
    expect(await readFile(DEFINITIONS_PATH, 'utf8')).toBe(renderDefinitions(INFRA_TOPOLOGIES));
  });

  it('lists every exchange, queue and binding of the topology on vhost "/"', () => {
    const definitions = toDefinitions([outreachTopology]);
    expect(definitions.vhosts).toEqual([{ name: '/' }]);
    expect(definitions.exchanges.map((e) => [e.name, e.type])).toEqual([
      ['prospectflow', 'topic'],
      ['outreach.retry', 'headers'],
      ['outreach.dead', 'fanout'],
    ]);
    expect(definitions.queues).toHaveLength(outreachTopology.queues.length);
    expect(
      definitions.queues.every((q) => q.durable && q.vhost === '/' && q.arguments['x-queue-type'] === 'quorum'),
    ).toBe(true);
    expect(definitions.bindings).toContainEqual({
      source: 'prospectflow',
      vhost: '/',
      destination: 'outreach.draft',
      destination_type: 'queue',
      routing_key: 'outreach.draft',
      arguments: {},
    });
  });

  it('writes a shared exchange once when several families use it', () => {
    const leadMagnet = defineTopology({ prefix: 'lead-magnet', queues: ['email'] });
    const names = toDefinitions([outreachTopology, leadMagnet]).exchanges.map((e) => e.name);
    expect(names.filter((name) => name === 'prospectflow')).toHaveLength(1);
  });
});
