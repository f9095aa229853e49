import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { Router } from 'express';
import {
  ImportListQuery,
  IngestRunListQuery,
  StartImportRequest,
  UploadImportQuery,
  ValidationError,
} from '@prospectflow/contracts';
import * as crm from '@prospectflow/crm';
import type { Pool } from '@prospectflow/db';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import { authOf, organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';

/** Any body but a form is the file: browsers label .csv text/csv, application/vnd.ms-excel or nothing. */
const isRawUpload = (req: IncomingMessage) => !/^multipart\//i.test(req.headers['content-type'] ?? '');

/** CSV imports (upload, start, progress, rejected rows) and the ingest history of the Imports page. */
export function importsRoutes(deps: { pool: Pool; logger: Logger; bodyLimit: string }): Router {
  const { pool } = deps;
  const log = createChildLogger('Imports', deps.logger);
  const router = Router();
  const write = requirePermission('imports:write');
  const read = requirePermission('prospects:read');
  const csvBody = express.raw({ type: isRawUpload, limit: deps.bodyLimit });

  router.post('/api/v1/imports', write, csvBody, async (req, res) => {
    const { filename } = UploadImportQuery.parse(req.query);
    if (!Buffer.isBuffer(req.body)) {
      throw new ValidationError(
        'Send the file itself as the request body (e.g. Content-Type: text/csv), not a form',
        undefined,
        'csv_body_required',
      );
    }
    const auth = authOf(req);
    const organisationId = organisationIdOf(req);
    const created = await crm.createImport(pool, {
      organisationId,
      createdBy: auth.kind === 'user' ? auth.userId : null,
      filename: filename ?? 'import.csv',
      content: req.body,
    });
    log.info(
      { organisationId, importId: created.id, bytes: created.sizeBytes, rows: created.totalRows },
      'csv uploaded',
    );
    res.status(201).json(created);
  });
  router.post('/api/v1/imports/:id/start', write, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const id = idParam(req.params.id, 'Import');
    const started = await crm.startImport(pool, organisationId, id, StartImportRequest.parse(req.body));
    log.info({ organisationId, importId: id, rows: started.rowsTotal }, 'csv import queued');
    res.status(202).json(started);
  });
  router.get('/api/v1/imports', read, async (req, res) => {
    res.json(await crm.listImports(pool, organisationIdOf(req), ImportListQuery.parse(req.query)));
  });
  router.get('/api/v1/imports/:id', read, async (req, res) => {
    res.json(await crm.getImport(pool, organisationIdOf(req), idParam(req.params.id, 'Import')));
  });
  router.get('/api/v1/imports/:id/rejected.csv', read, async (req, res) => {
    const csv = await crm.openRejectedCsv(pool, organisationIdOf(req), idParam(req.params.id, 'Import'));
    res.attachment(csv.filename).type('text/csv; charset=utf-8');
    // Headers are already sent once streaming starts: a failure can only cut the download.
    await pipeline(Readable.from(csv.chunks), res).catch((error: unknown) => {
      log.warn({ err: error, importId: req.params.id }, 'rejected rows download interrupted');
      res.destroy();
    });
  });
  router.get('/api/v1/ingest-runs', read, async (req, res) => {
    res.json(await crm.listIngestRuns(pool, organisationIdOf(req), IngestRunListQuery.parse(req.query)));
  });
  router.get('/api/v1/ingest-runs/:id', read, async (req, res) => {
    res.json(await crm.getIngestRun(pool, organisationIdOf(req), idParam(req.params.id, 'Ingest run')));
  });
  return router;
}
