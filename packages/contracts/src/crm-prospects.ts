import { z } from 'zod';
import { PageQuery } from './iam.js';

/** Counting stops here: beyond it `total` is this number and `totalCapped` is true. */
export const LIST_TOTAL_CAP = 100_000;
/** A company's detail lists at most this many of its positions (the rest: `/prospects?companyId=`). */
export const COMPANY_DETAIL_POSITIONS = 500;

/** `?x=a` or `?x=a&x=b` (any of the values); blank values are ignored. */
const anyOf = (max = 300) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => {
      const values = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean);
      return values.length > 0 ? [...new Set(values)] : undefined;
    })
    .pipe(z.array(z.string().max(max)).max(50).optional());

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

/** Longer than PageQuery's: a cursor carries a name or an email as its sort key. */
const cursor = z.string().max(4000).optional();

const search = z
  .string()
  .max(200)
  .optional()
  .transform((v) => v?.trim() || undefined);

export const ProspectSort = z.enum([
  'createdAt',
  '-createdAt',
  'lastName',
  '-lastName',
  'companyName',
  '-companyName',
  'email',
  '-email',
]);
export type ProspectSort = z.infer<typeof ProspectSort>;

/** `GET /api/v1/prospects` query; unknown parameters are refused so a misspelt filter cannot pass unnoticed. */
export const ProspectListQuery = z.strictObject({
  ...PageQuery.shape,
  cursor,
  q: search,
  list: anyOf(),
  emailStatus: anyOf(100),
  nafSector: anyOf(200),
  employeeRange: anyOf(100),
  city: anyOf(),
  enrolled: flag,
  suppressed: flag,
  companyId: z.uuid().optional(),
  sort: ProspectSort.default('-createdAt'),
});
export type ProspectListQuery = z.infer<typeof ProspectListQuery>;

export const CompanySort = z.enum(['name', '-name', 'createdAt', '-createdAt']);
export type CompanySort = z.infer<typeof CompanySort>;

export const CompanyListQuery = z.strictObject({
  ...PageQuery.shape,
  cursor,
  q: search,
  nafSector: anyOf(200),
  employeeRange: anyOf(100),
  city: anyOf(),
  sort: CompanySort.default('name'),
});
export type CompanyListQuery = z.infer<typeof CompanyListQuery>;

const text = z.string().nullable();

export const PersonSummary = z.object({
  id: z.uuid(),
  firstName: text,
  lastName: text,
  salutation: text,
  linkedinUrl: text,
  mobilePhone: text,
  phoneKaspr1: text,
  phoneKaspr3: text,
  mobilePhoneBettercontact: text,
  phoneFullenrich1: text,
  phoneFullenrich3: text,
});
export type PersonSummary = z.infer<typeof PersonSummary>;

export const Person = PersonSummary.extend({ createdAt: z.string(), updatedAt: z.string() });
export type Person = z.infer<typeof Person>;

export const CompanySummary = z.object({
  id: z.uuid(),
  name: z.string(),
  brandName: text,
  siren: text,
  nafSector: text,
  employeeRange: text,
  city: text,
  url: text,
});
export type CompanySummary = z.infer<typeof CompanySummary>;

export const Company = CompanySummary.extend({
  pharowCompanyId: text,
  hqSiret: text,
  linkedinName: text,
  linkedinUrl: text,
  mainPhone: text,
  mainPhoneOrigin: text,
  genericEmail: text,
  activity: text,
  foundingYear: z.number().nullable(),
  foundingDate: text,
  growing: z.boolean().nullable(),
  nbEmployees: z.number().nullable(),
  hqFullAddress: text,
  hqPostalCode: text,
  annualRevenueEuros: z.number().nullable(),
  annualRevenueYear: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Company = z.infer<typeof Company>;

/** A position's own fields; `enrolled`: in a campaign, `suppressed`: its email is on the suppression list. */
export const PositionFields = z.object({
  id: z.uuid(),
  email: text,
  jobTitle: text,
  emailStatus: text,
  emailReliability: text,
  listName: text,
  createdAt: z.string(),
  updatedAt: z.string(),
  enrolled: z.boolean(),
  suppressed: z.boolean(),
});
export type PositionFields = z.infer<typeof PositionFields>;

/** A prospect is a position (person × company × email); its id is the position id. */
export const Prospect = PositionFields.extend({ person: PersonSummary, company: CompanySummary });
export type Prospect = z.infer<typeof Prospect>;

export const ProspectDetail = PositionFields.extend({
  person: Person,
  company: Company,
  /** The same person's positions in other companies or with other emails. */
  otherPositions: z.array(PositionFields.extend({ company: CompanySummary.pick({ id: true, name: true }) })),
});
export type ProspectDetail = z.infer<typeof ProspectDetail>;

export const CompanyListItem = CompanySummary.extend({ createdAt: z.string(), positionCount: z.number() });
export type CompanyListItem = z.infer<typeof CompanyListItem>;

export const CompanyPosition = PositionFields.extend({ person: PersonSummary });
export type CompanyPosition = z.infer<typeof CompanyPosition>;

export const CompanyDetail = Company.extend({
  positionCount: z.number(),
  /** At most COMPANY_DETAIL_POSITIONS positions with their person, by last name. */
  people: z.array(CompanyPosition),
});
export type CompanyDetail = z.infer<typeof CompanyDetail>;

/** A list page with the size of the whole filtered list (counted up to LIST_TOTAL_CAP). */
export function CountedPage<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    total: z.number(),
    totalCapped: z.boolean(),
  });
}
export const ProspectPage = CountedPage(Prospect);
export type ProspectPage = z.infer<typeof ProspectPage>;
export const CompanyPage = CountedPage(CompanyListItem);
export type CompanyPage = z.infer<typeof CompanyPage>;

/** Trimmed text; `""` clears the field (null). */
const editable = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || null)
    .nullable()
    .optional();

const name = z.string().trim().min(1, 'Required').max(500).optional();

/** Same normalisation as ingest (scheme added, URL re-serialised) so a later push still finds the person. */
const linkedinUrl = z
  .string()
  .trim()
  .max(2000)
  .transform((v, ctx) => {
    if (v === '') return null;
    try {
      const url = new URL(/^https?:\/\//i.test(v) ? v : `https://${v}`);
      if (!url.hostname.includes('.')) throw new Error('no domain');
      return url.toString();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Invalid URL' });
      return z.NEVER;
    }
  })
  .nullable()
  .optional();

export const UpdatePersonRequest = z
  .strictObject({
    firstName: name,
    lastName: name,
    salutation: editable(50),
    linkedinUrl,
    mobilePhone: editable(50),
    phoneKaspr1: editable(50),
    phoneKaspr3: editable(50),
    mobilePhoneBettercontact: editable(50),
    phoneFullenrich1: editable(50),
    phoneFullenrich3: editable(50),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdatePersonRequest = z.infer<typeof UpdatePersonRequest>;

/** `PATCH /api/v1/prospects/:id`: curated fields of the position and of its person; null clears a field. */
export const UpdateProspectRequest = z
  .strictObject({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: 'Invalid email address' }).max(254))
      .nullable()
      .optional(),
    jobTitle: editable(500),
    emailStatus: editable(100),
    listName: editable(300),
    person: UpdatePersonRequest.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateProspectRequest = z.infer<typeof UpdateProspectRequest>;
