import { fileURLToPath } from 'node:url';
import {
  crmTopology,
  leadMagnetTopology,
  outreachTopology,
  webhooksTopology,
  type ArgumentValue,
  type Topology,
} from './topology.js';

/** The subset of RabbitMQ's definitions import format that a topology produces. */
export interface RabbitDefinitions {
  vhosts: { name: string }[];
  exchanges: {
    name: string;
    vhost: string;
    type: string;
    durable: true;
    auto_delete: false;
    internal: false;
    arguments: Record<string, ArgumentValue>;
  }[];
  queues: {
    name: string;
    vhost: string;
    durable: true;
    auto_delete: false;
    arguments: Record<string, ArgumentValue>;
  }[];
  bindings: {
    source: string;
    vhost: string;
    destination: string;
    destination_type: 'queue';
    routing_key: string;
    arguments: Record<string, string>;
  }[];
}

/** Topologies written to `infra/rabbitmq/definitions.json`; add a family here when an app gets queues. */
export const INFRA_TOPOLOGIES: readonly Topology[] = [
  outreachTopology,
  crmTopology,
  leadMagnetTopology,
  webhooksTopology,
];

export const DEFINITIONS_PATH = fileURLToPath(new URL('../../../infra/rabbitmq/definitions.json', import.meta.url));

function uniqueByName<T extends { name: string }>(items: T[]): T[] {
  return [...new Map(items.map((item) => [item.name, item])).values()];
}

/** Converts topologies to RabbitMQ definitions for one vhost (shared exchanges appear once). */
export function toDefinitions(topologies: readonly Topology[], vhost = '/'): RabbitDefinitions {
  const exchanges = uniqueByName(topologies.flatMap((t) => t.exchanges));
  return {
    vhosts: [{ name: vhost }],
    exchanges: exchanges.map(({ name, type }) => ({
      name,
      vhost,
      type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: topologies
      .flatMap((t) => t.queues)
      .map(({ name, arguments: args }) => ({ name, vhost, durable: true, auto_delete: false, arguments: args })),
    bindings: topologies
      .flatMap((t) => t.bindings)
      .map((b) => ({
        source: b.source,
        vhost,
        destination: b.destination,
        destination_type: 'queue',
        routing_key: b.routingKey,
        arguments: b.arguments,
      })),
  };
}

/** The exact text of `infra/rabbitmq/definitions.json`. */
export function renderDefinitions(topologies: readonly Topology[] = INFRA_TOPOLOGIES, vhost = '/'): string {
  return `${JSON.stringify(toDefinitions(topologies, vhost), null, 2)}\n`;
}
