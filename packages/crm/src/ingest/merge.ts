import type { PharowItem } from '@prospectflow/contracts';
import { cityOf } from './address.js';

type Row = Record<string, unknown>;

export interface MergedPayload {
  companies: Row[];
  people: Row[];
  positions: { companyKey: string; personKey: string; row: Row }[];
}

/** Later non-null values win, nulls never erase: the same rule the database applies. */
function mergeInto(target: Row | undefined, source: Row): Row {
  if (!target) return { ...source };
  for (const [key, value] of Object.entries(source)) if (value !== null && value !== undefined) target[key] = value;
  return target;
}

function companyRow(i: PharowItem): Row {
  const { postalCode, city } = cityOf(i.companyHqFullAddress);
  return {
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
    hq_city: city,
    hq_postal_code: postalCode,
    annual_revenue_euros: i.companyAnnualRevenueEuros,
    annual_revenue_year: i.companyAnnualRevenueYear,
  };
}

function personRow(i: PharowItem): Row {
  return {
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

const nameKey = (companyKey: string, i: PharowItem) =>
  `name:${companyKey}:${i.personFirstName.toLowerCase()}:${i.personLastName.toLowerCase()}`;

/**
 * Folds a payload into one row per company, person and position (duplicates merged), each with a
 * stable key, sorted by key so that every ingest touches rows in the same order.
 */
export function mergePayload(items: readonly PharowItem[]): MergedPayload {
  const companies = new Map<string, Row>();
  const companyBySiren = new Map<string, string>();
  const companyKeyOf = (i: PharowItem) => {
    const bySiren = i.companySiren ? companyBySiren.get(i.companySiren) : undefined;
    return bySiren ?? `pharow:${i.pharowCompanyId}`;
  };
  for (const i of items) {
    const key = companyKeyOf(i);
    companies.set(key, mergeInto(companies.get(key), companyRow(i)));
    if (i.companySiren) companyBySiren.set(i.companySiren, key);
  }

  const people = new Map<string, Row & { company_key: string }>();
  const linkedinByName = new Map<string, string>();
  for (const i of items) {
    if (!i.personLinkedinUrl) continue;
    linkedinByName.set(nameKey(companyKeyOf(i), i), `linkedin:${i.personLinkedinUrl}`);
  }
  const personKeyOf = (i: PharowItem) =>
    i.personLinkedinUrl
      ? `linkedin:${i.personLinkedinUrl}`
      : (linkedinByName.get(nameKey(companyKeyOf(i), i)) ?? nameKey(companyKeyOf(i), i));

  const positions = new Map<string, { companyKey: string; personKey: string; row: Row }>();
  for (const i of items) {
    const companyKey = companyKeyOf(i);
    const personKey = personKeyOf(i);
    const person = people.get(personKey);
    people.set(personKey, { ...mergeInto(person, personRow(i)), company_key: person?.company_key ?? companyKey });
    const positionKey = `${companyKey}|${personKey}|${i.positionEmail}`;
    const row = {
      email: i.positionEmail,
      job_title: i.positionJobTitle,
      email_status: i.positionEmailStatus,
      email_reliability: i.positionEmailReliability,
      pharow_list_name: i.pharowListName,
    };
    positions.set(positionKey, { companyKey, personKey, row: mergeInto(positions.get(positionKey)?.row, row) });
  }

  const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    companies: sorted(companies).map(([key, row]) => ({ key, ...row })),
    people: sorted(people).map(([key, row]) => ({ key, ...row })),
    positions: sorted(positions).map(([, p]) => p),
  };
}
