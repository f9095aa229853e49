import { z } from 'zod';

export const MAX_INGEST_ITEMS = 10_000;

/** Trimmed text; `""` (how Pharow sends "no value") becomes null. */
const text = (max = 1000) =>
  z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : String(v).trim() || null))
    .pipe(z.string().max(max).nullable());

const requiredText = (max = 500) => z.string({ error: 'Required' }).trim().min(1, 'Required').max(max);

const email = z
  .string({ error: 'Required' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Invalid email address' }).max(254));

const optionalEmail = text(254).pipe(z.email({ error: 'Invalid email address' }).nullable());

const url = text(2000).pipe(
  z
    .string()
    .nullable()
    .transform((v, ctx) => {
      if (v === null) return null;
      const candidate = /^https?:\/\//i.test(v) ? v : `https://${v}`;
      try {
        const parsed = new URL(candidate);
        if (!parsed.hostname.includes('.')) throw new Error('no domain');
        return parsed.toString();
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Invalid URL' });
        return z.NEVER;
      }
    }),
);

const integer = (min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v, ctx) => {
      if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null;
      const n = typeof v === 'number' ? v : Number(v.replace(/[\s\u00a0]/g, '').replace(',', '.'));
      if (!Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `Expected a number between ${min} and ${max}` });
        return z.NEVER;
      }
      return Math.round(n);
    });

const bool = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'boolean') return v;
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes', 'oui'].includes(s)) return true;
    if (['false', '0', 'no', 'non'].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: 'Expected true or false' });
    return z.NEVER;
  });

const isoDate = text(40).pipe(
  z
    .string()
    .nullable()
    .refine(
      (v) => v === null || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))),
      'Expected a date YYYY-MM-DD',
    )
    .transform((v) => (v === null ? null : v.slice(0, 10))),
);

/** One Pharow export row, normalised: trimmed, `""` → null, emails lower-cased, URLs checked. */
export const PharowItem = z.object({
  pharowListName: text(300),
  positionJobTitle: text(500),
  positionEmail: email,
  positionEmailStatus: text(100),
  positionEmailReliability: text(100),
  personLastName: requiredText(),
  personFirstName: requiredText(),
  personSalutation: text(50),
  personLinkedinUrl: url,
  personMobilePhone: text(50),
  personPhoneKaspr1: text(50),
  personPhoneKaspr3: text(50),
  personMobilePhoneBettercontact: text(50),
  personPhoneFullenrich1: text(50),
  personPhoneFullenrich3: text(50),
  pharowCompanyId: z.union([z.string(), z.number()]).transform(String).pipe(requiredText(200)),
  companyName: requiredText(),
  companySiren: text(20).pipe(
    z
      .string()
      .regex(/^\d{9}$/, 'SIREN must be 9 digits')
      .nullable(),
  ),
  companyHqSiret: text(20).pipe(
    z
      .string()
      .regex(/^\d{14}$/, 'SIRET must be 14 digits')
      .nullable(),
  ),
  companyBrandName: text(500),
  companyLinkedinName: text(500),
  companyMainPhone: text(50),
  companyMainPhoneOrigin: text(100),
  companyGenericEmail: optionalEmail,
  companyNafSector: text(200),
  companyActivity: text(2000),
  companyFoundingYear: integer(1000, 2200),
  companyFoundingDate: isoDate,
  companyGrowing: bool,
  companyNbEmployees: integer(0, 10_000_000),
  companyEmployeeRangeCorrected: text(100),
  companyUrl: url,
  companyLinkedinUrl: url,
  companyHqFullAddress: text(1000),
  companyAnnualRevenueEuros: integer(-1e15, 1e15),
  companyAnnualRevenueYear: integer(1900, 2200),
});
export type PharowItem = z.output<typeof PharowItem>;
export type PharowItemInput = z.input<typeof PharowItem>;

/** The envelope is checked first; items are validated one by one so valid ones are kept. */
export const IngestRequest = z.object({ data: z.array(z.unknown()) });

export const IngestQuery = z.object({
  atomic: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const EntityCounts = z.object({ inserted: z.number(), updated: z.number(), unchanged: z.number() });
export type EntityCounts = z.infer<typeof EntityCounts>;

export const RejectedItem = z.object({ index: z.number(), path: z.string(), reason: z.string() });
export type RejectedItem = z.infer<typeof RejectedItem>;

export const IngestResponse = z.object({
  runId: z.uuid(),
  received: z.number(),
  accepted: z.number(),
  companies: EntityCounts,
  people: EntityCounts,
  positions: EntityCounts,
  rejected: z.array(RejectedItem),
});
export type IngestResponse = z.infer<typeof IngestResponse>;
