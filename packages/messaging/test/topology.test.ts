import { describe, expect, it } from 'vitest';
import {
  defineLeadMagnetTopology,
  defineTopology,
  findTopology,
  leadMagnetTopology,
  outreachTopology,
} from '../src/topology.js';

describe('defineTopology', () => {
  it('names the outreach family', () => {
    expect(outreachTopology.exchange).toBe('prospectflow');
    expect(outreachTopology.jobQueues).toEqual([
      'outreach.draft',
      'outreach.send',
      'outreach.followup',
      'outreach.reply',
    ]);
    expect(outreachTopology.retryQueues).toEqual([
      'outreach.retry.1',
      'outreach.retry.2',
      'outreach.retry.3',
      'outreach.retry.4',
    ]);
    expect(outreachTopology.deadQueue).toBe('outreach.dead');
    expect(outreachTopology.maxDeliveries).toBe(5);
  });

  it('binds each job queue by its own name and each retry queue by its level', () => {
    expect(outreachTopology.bindings).toContainEqual({
      source: 'prospectflow',
      destination: 'outreach.send',
      routingKey: 'outreach.send',
      arguments: {},
    });
    expect(outreachTopology.bindings).toContainEqual({
      source: 'outreach.retry',
      destination: 'outreach.retry.2',
      routingKey: '',
      arguments: { 'x-match': 'all', 'retry-level': '2' },
    });
  });

  it('makes quorum job queues with a broker-side delivery limit and dead-letter exchange', () => {
    const send = outreachTopology.queues.find((q) => q.name === 'outreach.send');
    expect(send?.arguments).toMatchObject({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 4,
      'x-dead-letter-exchange': 'outreach.dead',
    });
  });

  it('gives retry queues growing TTLs that dead-letter through the default exchange', () => {
    const topology = defineTopology({
      prefix: 'mail',
      queues: ['send'],
      maxDeliveries: 4,
      backoff: { initialDelayMs: 100, factor: 3 },
    });
    const retry = topology.queues.filter((q) => q.name.startsWith('mail.retry.'));
    expect(retry.map((q) => q.arguments['x-message-ttl'])).toEqual([100, 300, 900]);
    expect(retry.every((q) => q.arguments['x-dead-letter-exchange'] === '')).toBe(true);
  });

  it('lets another app add its own family on the shared exchange', () => {
    const leadMagnet = defineTopology({ prefix: 'lead-magnet', queues: ['email'] });
    expect(leadMagnet.exchange).toBe('prospectflow');
    expect(leadMagnet.jobQueues).toEqual(['lead-magnet.email']);
    expect(findTopology([outreachTopology, leadMagnet], 'lead-magnet.email')).toBe(leadMagnet);
    expect(findTopology([outreachTopology, leadMagnet], 'outreach.dead')).toBeUndefined();
  });

  it('names the lead-magnet family (its outbox rows use routing key lead-magnet.email)', () => {
    expect(leadMagnetTopology.jobQueues).toEqual(['lead-magnet.email']);
    expect(leadMagnetTopology.retryQueues).toHaveLength(4);
    expect(leadMagnetTopology.deadQueue).toBe('lead-magnet.dead');
    expect(defineLeadMagnetTopology({ maxDeliveries: 2, backoff: { initialDelayMs: 200 } }).retryDelaysMs).toEqual([
      200,
    ]);
  });

  it('rejects names that would break routing keys', () => {
    expect(() => defineTopology({ prefix: 'Out Reach', queues: ['send'] })).toThrow(/invalid prefix/);
    expect(() => defineTopology({ prefix: 'outreach', queues: ['send.now'] })).toThrow(/invalid queue/);
    expect(() => defineTopology({ prefix: 'outreach', queues: [] })).toThrow(/at least one queue/);
  });
});
