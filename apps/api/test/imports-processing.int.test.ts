import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processImport } from '@prospectflow/crm';
import { pharowItems } from '@prospectflow/testing';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { QUOTED_SEMICOLON_CSV, QUOTED_SEMICOLON_MAPPING, uploadCsv } from './support/csv-uploads.js';
import { createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

/** The worker's side is driven in-process here (processImport); apps/worker tests it over the broker. */
describe('CSV imports: progress, rejected rows and ingest history over HTTP', () => {
  let api: ApiHarness;
  let org: TenantFixture;
  let importId: string;

  beforeAll(async () => {
    api = await startApi();
    org = await createTenant(api, 'csv-progress');
    await api.request('POST', '/api/v1/ingest', { token: org.adminToken, body: { data: pharowItems(3, { seed: 5 }) } });
    const upload = await uploadCsv(api, org.adminToken, QUOTED_SEMICOLON_CSV, { filename: 'salon.csv' });
    importId = upload.body.id;
    const started = await api.request('POST', `/api/v1/imports/${importId}/start`, {
      token: org.adminToken,
      body: { mapping: QUOTED_SEMICOLON_MAPPING },
    });
    expect(started.status).toBe(202);
    await processImport(api.db.pool, { importId, organisationId: org.organisationId }, { batchSize: 2 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('reports progress and counts, and the prospects are searchable', async () => {
    const res = await api.request('GET', `/api/v1/imports/${importId}`, { token: org.adminToken });
    expect(res.body).toMatchObject({
      status: 'succeeded',
      rowsDone: 4,
      rowsTotal: 4,
      percent: 100,
      acceptedCount: 2,
      rejectedCount: 2,
      error: null,
      counts: {
        companies: { inserted: 1, updated: 0, unchanged: 0 },
        people: { inserted: 2, updated: 0, unchanged: 0 },
        positions: { inserted: 2, updated: 0, unchanged: 0 },
      },
    });
    expect(res.body.finishedAt).not.toBeNull();
    const found = await api.request('GET', '/api/v1/prospects?q=amelie@acme.fr', { token: org.adminToken });
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      email: 'amelie@acme.fr',
      jobTitle: 'Directrice "générale"',
      company: { name: 'ACME; Fils & Cie' },
    });
    const company = await api.db.pool.query(
      'SELECT pharow_company_id, siren FROM crm_companies WHERE organisation_id = $1 AND name = $2',
      [org.organisationId, 'ACME; Fils & Cie'],
    );
    expect(company.rows).toEqual([{ pharow_company_id: 'siren:123456789', siren: '123456789' }]);
    const file = await api.db.pool.query('SELECT content FROM crm_imports WHERE id = $1', [importId]);
    expect(file.rows[0].content).toBeNull();
  });

  it('serves the rejected rows as CSV with a BOM, line numbers, reasons and the original columns', async () => {
    const res = await fetch(`${api.url}/api/v1/imports/${importId}/rejected.csv`, {
      headers: { authorization: `Bearer ${org.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attachment; filename=salon-rejected.csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'line;reasons;Prénom;Nom;E-mail;Société;Poste;SIREN\r\n' +
        '5;E-mail: Invalid email address;Zoé;Roux;not-an-email;Bureau Roux;;\r\n' +
        '6;Nom: Required;Chloé;;chloe@roux.fr;Bureau Roux;Gérante;\r\n',
    );
  });

  it('lists Pharow/API runs and CSV runs in the ingest history, newest first', async () => {
    const res = await api.request('GET', '/api/v1/ingest-runs', { token: org.adminToken });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({
      source: 'csv',
      status: 'succeeded',
      importId,
      filename: 'salon.csv',
      totalItems: 4,
      rejectedCount: 2,
      startedBy: org.adminUserId,
      counts: { positions: { inserted: 2, updated: 0, unchanged: 0 } },
    });
    expect(res.body.items[1]).toMatchObject({ source: 'api', importId: null, totalItems: 3, rejectedCount: 0 });
    const csvOnly = await api.request('GET', '/api/v1/ingest-runs?source=csv', { token: org.adminToken });
    expect(csvOnly.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.items[0].id]);
    const detail = await api.request('GET', `/api/v1/ingest-runs/${res.body.items[1].id}`, { token: org.adminToken });
    expect(detail.body).toMatchObject({ source: 'api', rejected: [] });
    const intruder = await createTenant(api, 'csv-progress-intruder');
    await expectCrossTenantNotFound(api, { token: intruder.adminToken }, [
      { method: 'GET', path: `/api/v1/ingest-runs/${res.body.items[0].id}` },
    ]);
  });

  it('leaves a finished import alone when its job is delivered again', async () => {
    const again = await processImport(api.db.pool, { importId, organisationId: org.organisationId });
    expect(again.outcome).toBe('skipped');
    const res = await api.request('GET', `/api/v1/imports/${importId}`, { token: org.adminToken });
    expect(res.body).toMatchObject({ rowsDone: 4, acceptedCount: 2, rejectedCount: 2 });
    expect(res.body.counts.positions.inserted).toBe(2);
  });
});
