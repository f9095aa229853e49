import {
  COMPANY_DETAIL_POSITIONS,
  LIST_TOTAL_CAP,
  NotFoundError,
  ValidationError,
  decodeCursor,
  toPage,
  type CompanyDetail,
  type CompanyListQuery,
  type CompanyPage,
  type ProspectDetail,
  type ProspectListQuery,
  type ProspectPage,
  type UpdateProspectRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { z } from 'zod';

/** Cursor: the sort it belongs to, the last row's sort key and its id (the tie-break). */
const Cursor = z.object({ s: z.string(), k: z.string(), id: z.uuid() });

/** Where the next page starts; a cursor of another sort, or a timestamp key that is not digits, is a 400. */
function keysetOf(cursor: string | undefined, sort: string): db.Keyset | undefined {
  if (cursor === undefined) return undefined;
  const { s, k, id } = decodeCursor(cursor, Cursor);
  if (s !== sort || (sort.endsWith('createdAt') && !/^-?\d{1,16}$/.test(k))) {
    throw new ValidationError('The cursor is not valid for this list', undefined, 'invalid_cursor');
  }
  return { key: k, id };
}

/** Cuts `limit + 1` keyed rows into a page; the hidden sort key goes into the cursor only. */
function countedPage<T extends { id: string }>(
  rows: db.Keyed<T>[],
  limit: number,
  sort: string,
  total: number,
): { items: T[]; nextCursor: string | null; total: number; totalCapped: boolean } {
  const page = toPage(rows, limit, (row) => ({ s: sort, k: row.sortKey, id: row.id }));
  const items = page.items.map(({ sortKey: _sortKey, ...item }) => item as unknown as T);
  return {
    items,
    nextCursor: page.nextCursor,
    total: Math.min(total, LIST_TOTAL_CAP),
    totalCapped: total > LIST_TOTAL_CAP,
  };
}

/** A page of prospects and the size of the whole filtered list (two queries, run side by side). */
export async function listProspects(
  pool: db.Pool,
  organisationId: string,
  input: ProspectListQuery,
): Promise<ProspectPage> {
  const { limit, cursor, sort, ...filters } = input;
  const after = keysetOf(cursor, sort);
  const [rows, total] = await Promise.all([
    db.listProspects(pool, organisationId, filters, { sort, after, limit: limit + 1 }),
    db.countProspects(pool, organisationId, filters, LIST_TOTAL_CAP),
  ]);
  return countedPage(rows, limit, sort, total);
}

export async function getProspect(pool: db.Pool, organisationId: string, id: string): Promise<ProspectDetail> {
  const prospect = await db.getProspect(pool, organisationId, id);
  if (!prospect) throw new NotFoundError('Prospect not found');
  return prospect;
}

/** Edits a position and its person in one transaction and answers the updated prospect. */
export async function updateProspect(
  pool: db.Pool,
  organisationId: string,
  id: string,
  input: UpdateProspectRequest,
): Promise<ProspectDetail> {
  const { person, ...position } = input;
  return db.withTransaction(pool, async (client) => {
    const updated = await db.updatePosition(client, organisationId, id, position);
    if (!updated) throw new NotFoundError('Prospect not found');
    if (person) await db.updatePerson(client, organisationId, updated.personId, person);
    return (await db.getProspect(client, organisationId, id))!;
  });
}

/** Right to erasure: the person and everything about them, in one transaction. */
export async function erasePerson(pool: db.Pool, organisationId: string, id: string): Promise<db.ErasureResult> {
  const erased = await db.withTransaction(pool, (client) => db.erasePerson(client, organisationId, id));
  if (!erased) throw new NotFoundError('Person not found');
  return erased;
}

export async function listCompanies(
  pool: db.Pool,
  organisationId: string,
  input: CompanyListQuery,
): Promise<CompanyPage> {
  const { limit, cursor, sort, ...filters } = input;
  const after = keysetOf(cursor, sort);
  const [rows, total] = await Promise.all([
    db.listCompanies(pool, organisationId, filters, { sort, after, limit: limit + 1 }),
    db.countCompanies(pool, organisationId, filters, LIST_TOTAL_CAP),
  ]);
  return countedPage(rows, limit, sort, total);
}

/** A company with its people (positions with their person, the first COMPANY_DETAIL_POSITIONS by name). */
export async function getCompany(pool: db.Pool, organisationId: string, id: string): Promise<CompanyDetail> {
  const [company, people] = await Promise.all([
    db.getCompany(pool, organisationId, id),
    db.listCompanyPositions(pool, organisationId, id, COMPANY_DETAIL_POSITIONS),
  ]);
  if (!company) throw new NotFoundError('Company not found');
  return { ...company, people };
}
