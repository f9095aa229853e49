import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { getStats, recordVisit } from '../src/index.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(async () => {
  await db?.drop();
});

// Crafted data set, all on 2025-06-01/02 (UTC): 4 signups (3 instagram, 1 without source),
// 3 confirmed after 30 min, 1 h and 3 h, 2 of them downloaded; 20 visits.
async function seed(): Promise<void> {
  await db.pool.query(`
    INSERT INTO lm_subscribers (id, email, status, source, created_at, confirmed_at) VALUES
      ('00000000-0000-4000-8000-000000000001', 'a@x.fr', 'confirmed', 'instagram', '2025-06-01T10:00Z', '2025-06-01T10:30Z'),
      ('00000000-0000-4000-8000-000000000002', 'b@x.fr', 'confirmed', 'instagram', '2025-06-01T11:00Z', '2025-06-01T12:00Z'),
      ('00000000-0000-4000-8000-000000000003', 'c@x.fr', 'unsubscribed', 'instagram', '2025-06-02T09:00Z', '2025-06-02T12:00Z'),
      ('00000000-0000-4000-8000-000000000004', 'd@x.fr', 'pending', NULL, '2025-06-02T10:00Z', NULL);
    INSERT INTO lm_download_tokens (subscriber_id, token_hash, purpose, expires_at, use_count) VALUES
      ('00000000-0000-4000-8000-000000000001', repeat('a', 64), 'confirm_and_download', now(), 3),
      ('00000000-0000-4000-8000-000000000002', repeat('b', 64), 'confirm_and_download', now(), 1),
      ('00000000-0000-4000-8000-000000000003', repeat('c', 64), 'confirm_and_download', now(), 0);
    INSERT INTO lm_visits (day, count) VALUES ('2025-06-01', 12), ('2025-06-02', 8), ('2025-05-01', 500);`);
}

describe('getStats', () => {
  it('computes the KPIs of the crafted data set', async () => {
    await seed();
    const stats = await getStats(db.pool, new Date('2025-06-01T00:00:00Z'));
    expect(stats.totals).toEqual({ visits: 20, signups: 4, confirmed: 3, downloaded: 2 });
    expect(stats.captureRate.value).toBeCloseTo(0.2);
    expect(stats.confirmationRate.value).toBeCloseTo(0.75);
    expect(stats.downloadCompletion.value).toBeCloseTo(2 / 3);
    expect(stats.overallConversion.value).toBeCloseTo(0.5);
    expect(stats.medianTimeToConfirmSeconds.value).toBe(3600);
    expect(stats.confirmationRate.target).toEqual({ min: 0.4, max: 0.6 });
    expect(stats.signupsPerDay).toEqual([
      { day: '2025-06-01', signups: 2, confirmed: 2 },
      { day: '2025-06-02', signups: 2, confirmed: 1 },
    ]);
    expect(stats.signupsPerSource).toEqual([
      { source: 'instagram', signups: 3 },
      { source: null, signups: 1 },
    ]);
  });

  it('counts visits per day and reports no ratio without data', async () => {
    await recordVisit(db.pool);
    await recordVisit(db.pool);
    const stats = await getStats(db.pool, new Date(Date.now() - 60_000));
    expect(stats.totals).toEqual({ visits: 2, signups: 0, confirmed: 0, downloaded: 0 });
    expect(stats.captureRate.value).toBe(0);
    expect(stats.confirmationRate.value).toBeNull();
    expect(stats.medianTimeToConfirmSeconds.value).toBeNull();
  });
});
