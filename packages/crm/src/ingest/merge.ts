import type { PharowItem } from '@prospectflow/contracts';
import { cityOf } from './address.js';

type Row = Record<string, unknown>;

export interface MergedPayload {
  /** `key` plus the company columns. */
  companies: Row[];
  /** `key`, `company_key` (the company it was first seen with) plus the person columns. */
  people: Row[];
  positions: { companyKey: string; personKey: string; row: Row }[];
}

/** Later non-null values win, nulls never erase: the same rule the database applies. */
function mergeInto(target: Row, source: Row): void {
  for (const key in source) {
    const value = source[key];
    if (value !== null && value !== undefined) target[key] = value;
  }
}

function companyRow(key: string, i: PharowItem, city: ReturnType<typeof cityOf>): Row {
  return {
    key,
    pharow_company_id: i.pharowCompanyId,
    siren: i.companySiren,
    hq_siret: i.companyHqSiret,
    name: i.companyName,
    brand_name: i.companyBrandName,
    linkedin_name: i.companyLinkedinName,
    main_phone: i.companyMainPhone,
    main_phone_origin: i.companyMainPhoneOrigin,
    generic_email: i.companyGenericEmail,
    naf_sector: i.companyNafSector,
    activity: i.companyActivity,
    founding_year: i.companyFoundingYear,
    founding_date: i.companyFoundingDate,
    growing: i.companyGrowing,
    nb_employees: i.companyNbEmployees,
    employee_range: i.companyEmployeeRangeCorrected,
    url: i.companyUrl,
    linkedin_url: i.companyLinkedinUrl,
    hq_full_address: i.companyHqFullAddress,
    hq_city: city.city,
    hq_postal_code: city.postalCode,
    annual_revenue_euros: i.companyAnnualRevenueEuros,
    annual_revenue_year: i.companyAnnualRevenueYear,
  };
}

function personRow(key: string, companyKey: string, i: PharowItem): Row {
  return {
    key,
    company_key: companyKey,
    first_name: i.personFirstName,
    last_name: i.personLastName,
    salutation: i.personSalutation,
    linkedin_url: i.personLinkedinUrl,
    mobile_phone: i.personMobilePhone,
    phone_kaspr_1: i.personPhoneKaspr1,
    phone_kaspr_3: i.personPhoneKaspr3,
    mobile_phone_bettercontact: i.personMobilePhoneBettercontact,
    phone_fullenrich_1: i.personPhoneFullenrich1,
    phone_fullenrich_3: i.personPhoneFullenrich3,
  };
}

function positionRow(i: PharowItem): Row {
  return {
    email: i.positionEmail,
    job_title: i.positionJobTitle,
    email_status: i.positionEmailStatus,
    email_reliability: i.positionEmailReliability,
    pharow_list_name: i.pharowListName,
  };
}

/** Company keys per item: Pharow's id, or the key of the first company seen with the same SIREN. */
function mergeCompanies(items: readonly PharowItem[]): { rows: Map<string, Row>; keys: string[] } {
  const rows = new Map<string, Row>();
  const bySiren = new Map<string, string>();
  const keys = items.map((i) => {
    const key = (i.companySiren ? bySiren.get(i.companySiren) : undefined) ?? `pharow:${i.pharowCompanyId}`;
    if (i.companySiren) bySiren.set(i.companySiren, key);
    const row = rows.get(key);
    if (!row) rows.set(key, companyRow(key, i, cityOf(i.companyHqFullAddress)));
    // The same address gives the same city: parse it only when it changes.
    else if (i.companyHqFullAddress === row.hq_full_address) mergeInto(row, companyRow(key, i, NO_CITY));
    else mergeInto(row, companyRow(key, i, cityOf(i.companyHqFullAddress)));
    return key;
  });
  return { rows, keys };
}
const NO_CITY = { city: null, postalCode: null };

/** Person keys per item: the LinkedIn URL, else the LinkedIn URL seen for the same name in the company, else the name. */
function personKeys(items: readonly PharowItem[], companyKeys: string[]): string[] {
  const nameKeys = items.map(
    (i, n) => `name:${companyKeys[n]}:${i.personFirstName.toLowerCase()}:${i.personLastName.toLowerCase()}`,
  );
  const linkedinByName = new Map<string, string>();
  items.forEach((i, n) => {
    if (i.personLinkedinUrl) linkedinByName.set(nameKeys[n]!, `linkedin:${i.personLinkedinUrl}`);
  });
  return items.map((i, n) =>
    i.personLinkedinUrl ? `linkedin:${i.personLinkedinUrl}` : (linkedinByName.get(nameKeys[n]!) ?? nameKeys[n]!),
  );
}

const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  (a.key as string) < (b.key as string) ? -1 : (a.key as string) > (b.key as string) ? 1 : 0;

/**
 * Folds a payload into one row per company, person and position (duplicates merged), each with a
 * stable key; companies and people sorted by key so that every ingest touches rows in the same
 * order (positions are ordered by the statement that writes them). The rows are new objects:
 * callers may add columns to them.
 */
export function mergePayload(items: readonly PharowItem[]): MergedPayload {
  const companies = mergeCompanies(items);
  const personKeysOf = personKeys(items, companies.keys);
  const people = new Map<string, Row>();
  const positions = new Map<string, { companyKey: string; personKey: string; row: Row }>();
  items.forEach((i, n) => {
    const companyKey = companies.keys[n]!;
    const personKey = personKeysOf[n]!;
    const person = people.get(personKey);
    if (person) mergeInto(person, personRow(personKey, person.company_key as string, i));
    else people.set(personKey, personRow(personKey, companyKey, i));
    const key = `${companyKey}|${personKey}|${i.positionEmail}`;
    const position = positions.get(key);
    if (position) mergeInto(position.row, positionRow(i));
    else positions.set(key, { companyKey, personKey, row: positionRow(i) });
  });
  return {
    companies: [...companies.rows.values()].sort(byKey),
    people: [...people.values()].sort(byKey),
    // Unsorted: the positions statement orders its rows itself (company, person, email ids).
    positions: [...positions.values()],
  };
}

/**
 * Positions with their company and person ids, one per (company, person, email) id triple. Two
 * keys of a payload can resolve to one stored row (Pharow id "b" whose SIREN is company "a"'s, next
 * to "a" itself); their positions are folded like duplicates, since one statement may not write a
 * row twice. The common case (every key its own row) returns the rows as they are.
 */
export function positionsById(
  positions: MergedPayload['positions'],
  companyIds: Map<string, string>,
  personIds: Map<string, string>,
): Row[] {
  const rows = positions.map(({ companyKey, personKey, row }) => {
    row.company_id = companyIds.get(companyKey);
    row.person_id = personIds.get(personKey);
    return row;
  });
  const injective = (ids: Map<string, string>) => new Set(ids.values()).size === ids.size;
  if (injective(companyIds) && injective(personIds)) return rows;
  const byIds = new Map<string, Row>();
  for (const row of rows) {
    const key = `${row.company_id as string}|${row.person_id as string}|${row.email as string}`;
    const seen = byIds.get(key);
    if (seen) mergeInto(seen, row);
    else byIds.set(key, row);
  }
  return [...byIds.values()];
}
