import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CRM_IMPORT_QUEUE, type ImportMapping } from '@prospectflow/contracts';
import { createImport, getImport, openRejectedCsv, processImport, startImport } from '@prospectflow/crm';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import type { ConnectionManager, JobContext, JobHandler } from '@prospectflow/messaging';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { composeWorker, type Worker } from '../src/compose.js';
import { consumeImports } from '../src/consumers/crm-import.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';

const MAPPING: ImportMapping = {
  Email: 'positionEmail',
  Prénom: 'personFirstName',
  Nom: 'personLastName',
  Entreprise: 'companyName',
  Poste: 'positionJobTitle',
};

/** `rows` prospects over rows/4 companies, `;`-separated Latin-1; `bad` lists data rows (1-based) with a broken email. */
function csvFile(tag: string, rows: number, bad: number[] = []): Buffer {
  const lines = ['Email;Prénom;Nom;Entreprise;Poste'];
  for (let n = 1; n <= rows; n += 1) {
    const email = bad.includes(n) ? `broken-${n}` : `p${n}@${tag}${Math.ceil(n / 4)}.fr`;
    lines.push(`${email};Amélie;Lefèvre ${n};"Société ${tag} ${Math.ceil(n / 4)}";Gérante`);
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

describe('crm.import through the worker composition (real broker and database)', () => {
  let db: TestDatabase;
  let worker: Worker;
  let metrics: WorkerMetrics;
  let organisationId: string;

  const acked = async () =>
    (await metrics.jobsProcessed.get()).values.find(
      (v) => v.labels.queue === CRM_IMPORT_QUEUE && v.labels.outcome === 'ack',
    )?.value ?? 0;
  const positions = async (domain: string) =>
    (
      await db.pool.query(`SELECT count(*)::int AS n FROM crm_positions WHERE organisation_id = $1 AND email LIKE $2`, [
        organisationId,
        `%@${domain}%`,
      ])
    ).rows[0].n;
  const upload = async (tag: string, content: Buffer) =>
    createImport(db.pool, { organisationId, createdBy: null, filename: `${tag}.csv`, content });

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    const org = await db.pool.query(`INSERT INTO iam_organisations (name, slug) VALUES ('Import', $1) RETURNING id`, [
      `import-${randomUUID().slice(0, 8)}`,
    ]);
    organisationId = org.rows[0].id;
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: inject('rabbitmqUrl'),
      OUTBOX_POLL_INTERVAL_MS: '50',
      CRM_IMPORT_BATCH_SIZE: '4',
    });
    metrics = createWorkerMetrics();
    worker = await composeWorker({ config, pool: db.pool, logger: createLogger({ level: 'silent' }), metrics });
    await worker.broker.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it('imports a file in batches: rows stored, progress 100 %, rejected lines downloadable, redelivery a no-op', async () => {
    const created = await upload('e2e', csvFile('e2e', 30, [7, 22]));
    expect(created).toMatchObject({ encoding: 'windows-1252', separator: ';', totalRows: 30 });
    await startImport(db.pool, organisationId, created.id, { mapping: MAPPING });
    await pollUntil(async () => (await getImport(db.pool, organisationId, created.id)).status === 'succeeded', {
      timeoutMs: 20_000,
    });
    const done = await getImport(db.pool, organisationId, created.id);
    expect(done).toMatchObject({ rowsDone: 30, rowsTotal: 30, percent: 100, acceptedCount: 28, rejectedCount: 2 });
    expect(done.counts.positions).toEqual({ inserted: 28, updated: 0, unchanged: 0 });
    expect(done.counts.companies.inserted).toBe(8);
    expect(await positions('e2e')).toBe(28);
    const stored = await db.pool.query(`SELECT first_name, last_name FROM crm_people WHERE last_name = 'Lefèvre 1'`);
    expect(stored.rows).toEqual([{ first_name: 'Amélie', last_name: 'Lefèvre 1' }]);

    let rejected = '';
    for await (const chunk of (await openRejectedCsv(db.pool, organisationId, created.id)).chunks) rejected += chunk;
    expect(rejected.split('\r\n')).toEqual([
      '\ufeffline;reasons;Email;Prénom;Nom;Entreprise;Poste',
      '8;Email: Invalid email address;broken-7;Amélie;Lefèvre 7;Société e2e 2;Gérante',
      '23;Email: Invalid email address;broken-22;Amélie;Lefèvre 22;Société e2e 6;Gérante',
      '',
    ]);

    const before = await acked();
    await worker.broker.publish(CRM_IMPORT_QUEUE, { importId: created.id, organisationId });
    await pollUntil(async () => (await acked()) > before);
    const after = await getImport(db.pool, organisationId, created.id);
    expect(after).toMatchObject({ rowsDone: 30, acceptedCount: 28, rejectedCount: 2, counts: done.counts });
    const runs = await db.pool.query(`SELECT status, total_items, counts FROM crm_ingest_runs WHERE source = 'csv'`);
    expect(runs.rows).toEqual([{ status: 'succeeded', total_items: 30, counts: done.counts }]);
  });

  it('resumes an interrupted import from its last committed batch without counting a row twice', async () => {
    const created = await upload('resume', csvFile('resume', 13, [2]));
    // Started without the outbox so that this test, not the worker, runs the first delivery.
    await db.pool.query(`UPDATE crm_imports SET status = 'queued', mapping = $2 WHERE id = $1`, [
      created.id,
      JSON.stringify(MAPPING),
    ]);
    const job = { importId: created.id, organisationId };
    const crash = new AbortController();
    await expect(
      processImport(db.pool, job, { batchSize: 4, signal: crash.signal, onBatch: () => crash.abort() }),
    ).rejects.toThrow();
    expect(await getImport(db.pool, organisationId, created.id)).toMatchObject({
      status: 'processing',
      rowsDone: 4,
      percent: 30,
    });

    await worker.broker.publish(CRM_IMPORT_QUEUE, job);
    await pollUntil(async () => (await getImport(db.pool, organisationId, created.id)).status === 'succeeded');
    const done = await getImport(db.pool, organisationId, created.id);
    expect(done).toMatchObject({ rowsDone: 13, acceptedCount: 12, rejectedCount: 1 });
    expect(done.counts.positions).toEqual({ inserted: 12, updated: 0, unchanged: 0 });
    expect(await positions('resume')).toBe(12);
  });

  it('fails an import whose stored file is not readable CSV and dead-letters its job', async () => {
    const created = await upload('broken', csvFile('broken', 2));
    await db.pool.query(`UPDATE crm_imports SET content = $2 WHERE id = $1`, [
      created.id,
      Buffer.from('Email;Prénom;Nom;Entreprise;Poste\n"never closed;x;y;z;w\n'),
    ]);
    await startImport(db.pool, organisationId, created.id, { mapping: MAPPING });
    await pollUntil(async () => (await getImport(db.pool, organisationId, created.id)).status === 'failed');
    const failed = await getImport(db.pool, organisationId, created.id);
    expect(failed.error).toMatch(/not valid CSV/);
    expect(failed.finishedAt).not.toBeNull();
    const run = await db.pool.query(`SELECT status FROM crm_ingest_runs WHERE id = $1`, [failed.ingestRunId]);
    expect(run.rows[0].status).toBe('failed');
    // The job is settled (dead-lettered) just after the import is marked failed.
    const dead = async () =>
      (await metrics.jobsProcessed.get()).values.find(
        (v) => v.labels.queue === CRM_IMPORT_QUEUE && v.labels.outcome === 'dead',
      )?.value;
    expect(await pollUntil(dead)).toBe(1);
  });

  it('retries other errors and marks the import failed only when the last attempt fails', async () => {
    let handler: JobHandler<{ importId: string; organisationId: string }> | undefined;
    const broker = { consume: async (_queue: string, h: typeof handler) => void (handler = h) };
    await consumeImports({
      broker: broker as unknown as ConnectionManager,
      pool: db.pool,
      logger: createLogger({ level: 'silent' }),
      metrics,
      batchSize: 10,
      concurrency: 1,
      signal: new AbortController().signal,
    });
    const created = await upload('retry', csvFile('retry', 2));
    // A stored mapping the worker cannot use stands for any unexpected error.
    await db.pool.query(`UPDATE crm_imports SET status = 'queued', mapping = '{"Email": "nope"}' WHERE id = $1`, [
      created.id,
    ]);
    const job = { importId: created.id, organisationId };
    const context = (attempt: number) => ({ attempt, maxDeliveries: 3 }) as JobContext;
    await expect(handler!(job, context(1))).rejects.toThrow();
    expect((await getImport(db.pool, organisationId, created.id)).status).toBe('processing');
    await expect(handler!(job, context(3))).rejects.toThrow();
    const failed = await getImport(db.pool, organisationId, created.id);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('repeated errors') });
    expect(failed.error).not.toContain('nope');
  });
});
