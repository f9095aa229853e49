import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { QUOTED_SEMICOLON_CSV, QUOTED_SEMICOLON_MAPPING, uploadCsv } from './support/csv-uploads.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('CSV imports: upload and start', () => {
  let api: ApiHarness;
  let org: TenantFixture;

  beforeAll(async () => {
    api = await startApi();
    org = await createTenant(api, 'csv-upload');
  });
  afterAll(async () => {
    await api.close();
  });

  it('detects a BOM-prefixed UTF-8, quoted, semicolon-separated file and suggests a mapping', async () => {
    const res = await uploadCsv(api, org.adminToken, QUOTED_SEMICOLON_CSV, { filename: 'Export Pharow été.csv' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      filename: 'Export Pharow été.csv',
      status: 'uploaded',
      encoding: 'utf-8',
      separator: ';',
      headers: ['Prénom', 'Nom', 'E-mail', 'Société', 'Poste', 'SIREN'],
      totalRows: 4,
      rowsTotal: 4,
      rowsDone: 0,
      percent: 0,
      suggestedMapping: QUOTED_SEMICOLON_MAPPING,
      mapping: null,
    });
    expect(res.body.sampleRows).toEqual([
      ['Amélie', 'Lefèvre', 'amelie@acme.fr', 'ACME; Fils & Cie', 'Directrice "générale"', '123 456 789'],
      ['Jean', 'Martin', 'jean@acme.fr', 'ACME; Fils & Cie', 'Responsable\r\nachats', '123456789'],
      ['Zoé', 'Roux', 'not-an-email', 'Bureau Roux', '', ''],
      ['Chloé', '', 'chloe@roux.fr', 'Bureau Roux', 'Gérante', ''],
    ]);
    const stored = await api.db.pool.query('SELECT content, created_by FROM crm_imports WHERE id = $1', [res.body.id]);
    expect(Buffer.compare(stored.rows[0].content, QUOTED_SEMICOLON_CSV)).toBe(0);
    expect(stored.rows[0].created_by).toBe(org.adminUserId);
  });

  it('reads a Latin-1 file with accented names', async () => {
    const latin1 = Buffer.from('Prénom;Nom\nAmélie;Lefèvre', 'latin1');
    const res = await uploadCsv(api, org.adminToken, latin1, { contentType: 'application/octet-stream' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      filename: 'import.csv',
      encoding: 'windows-1252',
      separator: ';',
      headers: ['Prénom', 'Nom'],
      sampleRows: [['Amélie', 'Lefèvre']],
      totalRows: 1,
      suggestedMapping: { Prénom: 'personFirstName', Nom: 'personLastName' },
    });
  });

  it('refuses files it cannot read', async () => {
    const unclosed = await uploadCsv(api, org.adminToken, 'Email;Nom\n"open;x\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.code).toBe('invalid_csv');
    expect((await uploadCsv(api, org.adminToken, '')).body.error.code).toBe('invalid_csv');
    const json = await uploadCsv(api, org.adminToken, '{"a":1}', { contentType: 'application/json' });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('csv_body_required');
    const form = await uploadCsv(api, org.adminToken, '--x\r\n\r\nEmail\r\n--x--', {
      contentType: 'multipart/form-data; boundary=x',
    });
    expect(form.body.error.code).toBe('csv_body_required');
  });

  it('validates the mapping: required targets, Pharow field names, columns of the file', async () => {
    const { body: upload } = await uploadCsv(api, org.adminToken, QUOTED_SEMICOLON_CSV);
    const start = (mapping: unknown) =>
      api.request('POST', `/api/v1/imports/${upload.id}/start`, { token: org.adminToken, body: { mapping } });

    const missing = await start({ Prénom: 'personFirstName', 'E-mail': 'positionEmail', Nom: null });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: 'invalid_mapping',
      details: { missingFields: ['personLastName', 'companyName'], duplicateFields: [], unknownColumns: [] },
    });
    expect(missing.body.error.message).toContain('personLastName, companyName');
    const notAField = await start({ ...QUOTED_SEMICOLON_MAPPING, Poste: 'jobTitle' });
    expect(notAField.status).toBe(400);
    expect(notAField.body.error.code).toBe('validation_failed');
    const unknownColumn = await start({ ...QUOTED_SEMICOLON_MAPPING, Ville: null });
    expect(unknownColumn.body.error.details.unknownColumns).toEqual(['Ville']);
    expect((await api.request('GET', `/api/v1/imports/${upload.id}`, { token: org.adminToken })).body.status).toBe(
      'uploaded',
    );
  });

  it('queues the job through the outbox in the same transaction, and refuses a second start', async () => {
    const { body: upload } = await uploadCsv(api, org.adminToken, QUOTED_SEMICOLON_CSV);
    const path = `/api/v1/imports/${upload.id}/start`;
    const started = await api.request('POST', path, {
      token: org.adminToken,
      body: { mapping: QUOTED_SEMICOLON_MAPPING },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ id: upload.id, status: 'queued', mapping: QUOTED_SEMICOLON_MAPPING });
    const outbox = await api.db.pool.query(
      `SELECT organisation_id, payload FROM outreach_outbox WHERE routing_key = 'crm.import' AND payload->>'importId' = $1`,
      [upload.id],
    );
    expect(outbox.rows).toEqual([
      { organisation_id: org.organisationId, payload: { importId: upload.id, organisationId: org.organisationId } },
    ]);

    const again = await api.request('POST', path, {
      token: org.adminToken,
      body: { mapping: QUOTED_SEMICOLON_MAPPING },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('import_already_started');
  });

  it('lists imports newest first with keyset pagination', async () => {
    const other = await createTenant(api, 'csv-list');
    const ids = [];
    for (const name of ['a.csv', 'b.csv', 'c.csv']) {
      ids.push((await uploadCsv(api, other.adminToken, 'Email\nx@y.fr', { filename: name })).body.id);
    }
    const first = await api.request('GET', '/api/v1/imports?limit=2', { token: other.adminToken });
    expect(first.body.items.map((i: { filename: string }) => i.filename)).toEqual(['c.csv', 'b.csv']);
    expect(first.body.items[0]).toMatchObject({ status: 'uploaded', rowsTotal: 1, percent: 0, rejectedCount: 0 });
    expect(first.body.items[0].headers).toBeUndefined();
    const second = await api.request('GET', `/api/v1/imports?limit=2&cursor=${first.body.nextCursor}`, {
      token: other.adminToken,
    });
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    const queued = await api.request('GET', '/api/v1/imports?status=queued', { token: other.adminToken });
    expect(queued.body.items).toEqual([]);
  });

  it('answers 404 for another organisation’s import', async () => {
    const { body: upload } = await uploadCsv(api, org.adminToken, QUOTED_SEMICOLON_CSV);
    const intruder = await createTenant(api, 'csv-intruder');
    await expectCrossTenantNotFound(api, { token: intruder.adminToken }, [
      { method: 'GET', path: `/api/v1/imports/${upload.id}` },
      { method: 'POST', path: `/api/v1/imports/${upload.id}/start`, body: { mapping: QUOTED_SEMICOLON_MAPPING } },
      { method: 'GET', path: `/api/v1/imports/${upload.id}/rejected.csv` },
      { method: 'GET', path: '/api/v1/imports/not-a-uuid' },
    ]);
    const listed = await api.request('GET', '/api/v1/imports', { token: intruder.adminToken });
    expect(listed.body.items).toEqual([]);
  });

  it('lets managers and admins upload, members and API keys only read', async () => {
    const manager = await addMemberWithRole(api, org, 'manager@csv-upload.example', 'manager');
    const member = await addMemberWithRole(api, org, 'member@csv-upload.example', 'member');
    expect((await uploadCsv(api, manager, QUOTED_SEMICOLON_CSV)).status).toBe(201);
    const refused = await uploadCsv(api, member, QUOTED_SEMICOLON_CSV);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await api.request('GET', '/api/v1/imports', { token: member })).status).toBe(200);
    const key = await api.request('POST', '/api/v1/api-keys', {
      token: org.adminToken,
      body: { name: 'reader', scopes: ['prospects:read', 'ingest:write'] },
    });
    expect((await uploadCsv(api, key.body.key, QUOTED_SEMICOLON_CSV)).status).toBe(403);
    expect((await api.request('GET', '/api/v1/imports', { token: key.body.key })).status).toBe(200);
  });
});

describe('CSV imports: size limit', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ API_IMPORT_BODY_LIMIT: '2kb' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 413 beyond API_IMPORT_BODY_LIMIT and accepts a file under it', async () => {
    const org = await createTenant(api, 'csv-limit');
    const row = 'jean@acme.fr;Jean;Martin;ACME\n';
    const big = await uploadCsv(api, org.adminToken, `Email;Prénom;Nom;Société\n${row.repeat(100)}`);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    expect((await uploadCsv(api, org.adminToken, `Email;Prénom;Nom;Société\n${row.repeat(10)}`)).status).toBe(201);
  });
});
