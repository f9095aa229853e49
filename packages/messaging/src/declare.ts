import type { Channel } from 'amqplib';
import type { Topology } from './topology.js';

/** Declares a topology's exchanges, queues and bindings; idempotent while their arguments are unchanged. */
export async function declareTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: true, autoDelete: false, internal: false });
  }
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, {
      durable: true,
      autoDelete: false,
      exclusive: false,
      arguments: queue.arguments,
    });
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.destination, binding.source, binding.routingKey, binding.arguments);
  }
}
