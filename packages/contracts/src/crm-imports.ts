import { z } from 'zod';
import { EntityCounts, PharowItem, RejectedItem } from './crm-ingest.js';
import { PageQuery } from './iam.js';

/** The queue (and outbox routing key) of CSV import jobs. */
export const CRM_IMPORT_QUEUE = 'crm.import';

/** Largest CSV upload accepted by `POST /api/v1/imports` (also the default of API_IMPORT_BODY_LIMIT). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Rows shown in the mapping step. */
export const IMPORT_SAMPLE_ROWS = 5;

export type PharowField = keyof typeof PharowItem.shape;
/** Every field a CSV column can be mapped to: the Pharow export's columns. */
export const PHAROW_FIELDS = Object.keys(PharowItem.shape) as [PharowField, ...PharowField[]];
export const PharowField = z.enum(PHAROW_FIELDS);

/**
 * Targets that must be mapped. `pharowCompanyId` is not among them: when no column maps to it,
 * each row's company id is derived from its SIREN, else from its company name.
 */
export const REQUIRED_IMPORT_FIELDS = [
  'positionEmail',
  'personFirstName',
  'personLastName',
  'companyName',
] as const satisfies readonly PharowField[];

export const CsvEncoding = z.enum(['utf-8', 'windows-1252', 'utf-16le']);
export type CsvEncoding = z.infer<typeof CsvEncoding>;
export const CsvSeparator = z.enum([';', ',', '\t']);
export type CsvSeparator = z.infer<typeof CsvSeparator>;

export const ImportStatus = z.enum(['uploaded', 'queued', 'processing', 'succeeded', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

/** CSV header → Pharow field, or null for a column that is not imported. */
export const ImportMapping = z.record(z.string().max(500), PharowField.nullable());
export type ImportMapping = z.infer<typeof ImportMapping>;

export const UploadImportQuery = z.strictObject({ filename: z.string().trim().min(1).max(255).optional() });

export const StartImportRequest = z.strictObject({ mapping: ImportMapping });
export type StartImportRequest = z.infer<typeof StartImportRequest>;

/** The queue message: which import to process (the organisation is re-checked against the row). */
export const ImportJob = z.object({ importId: z.uuid(), organisationId: z.uuid() });
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportCounts = z.object({ companies: EntityCounts, people: EntityCounts, positions: EntityCounts });
export type ImportCounts = z.infer<typeof ImportCounts>;

/** One import in the list: status, progress and counts. */
export const ImportSummary = z.object({
  id: z.uuid(),
  filename: z.string(),
  sizeBytes: z.number(),
  encoding: CsvEncoding,
  separator: CsvSeparator,
  status: ImportStatus,
  rowsDone: z.number(),
  rowsTotal: z.number(),
  /** 0–100, rounded down; 100 once succeeded. */
  percent: z.number(),
  acceptedCount: z.number(),
  rejectedCount: z.number(),
  counts: ImportCounts,
  error: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  ingestRunId: z.uuid().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

/** One import with what the mapping step needs. */
export const ImportDetail = ImportSummary.extend({
  headers: z.array(z.string()),
  sampleRows: z.array(z.array(z.string())),
  suggestedMapping: ImportMapping,
  mapping: ImportMapping.nullable(),
});
export type ImportDetail = z.infer<typeof ImportDetail>;

/** Answer of the upload: the detail plus `totalRows` (data rows found in the file). */
export const UploadImportResponse = ImportDetail.extend({ totalRows: z.number() });
export type UploadImportResponse = z.infer<typeof UploadImportResponse>;

export const ImportListQuery = PageQuery.extend({ status: ImportStatus.optional() }).strict();
export type ImportListQuery = z.infer<typeof ImportListQuery>;

export const IngestSource = z.enum(['pharow', 'csv', 'api']);

/** One entry of the ingest history (Pharow pushes, operator API calls and CSV imports). */
export const IngestRunSummary = z.object({
  id: z.uuid(),
  source: IngestSource,
  status: z.enum(['running', 'succeeded', 'failed']),
  startedBy: z.uuid().nullable(),
  apiKeyId: z.uuid().nullable(),
  totalItems: z.number(),
  counts: z.record(z.string(), z.unknown()),
  /** Items (Pharow) or rows (CSV) rejected. */
  rejectedCount: z.number(),
  /** The CSV import of a `csv` run (its rejected rows: `/imports/:id/rejected.csv`). */
  importId: z.uuid().nullable(),
  filename: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type IngestRunSummary = z.infer<typeof IngestRunSummary>;

export const IngestRunListQuery = PageQuery.extend({ source: IngestSource.optional() }).strict();
export type IngestRunListQuery = z.infer<typeof IngestRunListQuery>;

/** One run with its rejected items (`index` is the item's position in the payload; CSV runs list none here). */
export const IngestRunDetail = IngestRunSummary.extend({ rejected: z.array(RejectedItem) });
export type IngestRunDetail = z.infer<typeof IngestRunDetail>;
