import { PharowItem } from '@prospectflow/contracts';
import { z } from 'zod';

/**
 * A hand-written twin of the `PharowItem` zod schema for the common case, ~10× faster on
 * 10,000-item payloads. It either returns exactly what `PharowItem.parse` would (same keys, same
 * values) or `undefined` ("not sure"), and the caller then runs zod, which alone decides
 * rejections and their messages. So it can only be faster, never looser: anything unusual (a
 * number in a text field, a value to reject) goes to zod. `fast-normalise.test.ts` checks the
 * equivalence on generated and adversarial items.
 */

// Thrown (and caught once per item) when a value needs zod's judgement.
const UNSURE = Symbol('unsure');

function text(v: unknown, max: number): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw UNSURE;
  const s = v.trim();
  if (s.length > max) throw UNSURE;
  return s || null;
}

function required(v: unknown, max: number): string {
  if (typeof v !== 'string') throw UNSURE;
  const s = v.trim();
  if (s.length === 0 || s.length > max) throw UNSURE;
  return s;
}

const EMAIL = z.regexes.email;

function email(v: unknown): string {
  if (typeof v !== 'string') throw UNSURE;
  const s = v.trim().toLowerCase();
  if (s.length > 254 || !EMAIL.test(s)) throw UNSURE;
  return s;
}

function optionalEmail(v: unknown): string | null {
  const s = text(v, 254);
  if (s !== null && !EMAIL.test(s)) throw UNSURE;
  return s;
}

const SCHEME = /^https?:\/\//i;

function url(v: unknown): string | null {
  const s = text(v, 2000);
  if (s === null) return null;
  try {
    const parsed = new URL(SCHEME.test(s) ? s : `https://${s}`);
    if (parsed.hostname.includes('.')) return parsed.toString();
  } catch {
    // an invalid URL: zod reports it
  }
  throw UNSURE;
}

function digits(v: unknown, pattern: RegExp): string | null {
  const s = text(v, 20);
  if (s !== null && !pattern.test(s)) throw UNSURE;
  return s;
}

function integer(v: unknown, min: number, max: number): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw UNSURE;
  return Math.round(v);
}

function bool(v: unknown): boolean | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'boolean') throw UNSURE;
  return v;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(v: unknown): string | null {
  const s = text(v, 40);
  if (s !== null && (!ISO_DATE.test(s) || Number.isNaN(Date.parse(s)))) throw UNSURE;
  return s;
}

function companyId(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return required(String(v), 200);
  return required(v, 200);
}

const SIREN = /^\d{9}$/;
const SIRET = /^\d{14}$/;

function normalise(i: Record<string, unknown>): PharowItem {
  return {
    pharowListName: text(i.pharowListName, 300),
    positionJobTitle: text(i.positionJobTitle, 500),
    positionEmail: email(i.positionEmail),
    positionEmailStatus: text(i.positionEmailStatus, 100),
    positionEmailReliability: text(i.positionEmailReliability, 100),
    personLastName: required(i.personLastName, 500),
    personFirstName: required(i.personFirstName, 500),
    personSalutation: text(i.personSalutation, 50),
    personLinkedinUrl: url(i.personLinkedinUrl),
    personMobilePhone: text(i.personMobilePhone, 50),
    personPhoneKaspr1: text(i.personPhoneKaspr1, 50),
    personPhoneKaspr3: text(i.personPhoneKaspr3, 50),
    personMobilePhoneBettercontact: text(i.personMobilePhoneBettercontact, 50),
    personPhoneFullenrich1: text(i.personPhoneFullenrich1, 50),
    personPhoneFullenrich3: text(i.personPhoneFullenrich3, 50),
    pharowCompanyId: companyId(i.pharowCompanyId),
    companyName: required(i.companyName, 500),
    companySiren: digits(i.companySiren, SIREN),
    companyHqSiret: digits(i.companyHqSiret, SIRET),
    companyBrandName: text(i.companyBrandName, 500),
    companyLinkedinName: text(i.companyLinkedinName, 500),
    companyMainPhone: text(i.companyMainPhone, 50),
    companyMainPhoneOrigin: text(i.companyMainPhoneOrigin, 100),
    companyGenericEmail: optionalEmail(i.companyGenericEmail),
    companyNafSector: text(i.companyNafSector, 200),
    companyActivity: text(i.companyActivity, 2000),
    companyFoundingYear: integer(i.companyFoundingYear, 1000, 2200),
    companyFoundingDate: isoDate(i.companyFoundingDate),
    companyGrowing: bool(i.companyGrowing),
    companyNbEmployees: integer(i.companyNbEmployees, 0, 10_000_000),
    companyEmployeeRangeCorrected: text(i.companyEmployeeRangeCorrected, 100),
    companyUrl: url(i.companyUrl),
    companyLinkedinUrl: url(i.companyLinkedinUrl),
    companyHqFullAddress: text(i.companyHqFullAddress, 1000),
    companyAnnualRevenueEuros: integer(i.companyAnnualRevenueEuros, -1e15, 1e15),
    companyAnnualRevenueYear: integer(i.companyAnnualRevenueYear, 1900, 2200),
  };
}

const FAST_FIELDS = Object.keys(
  normalise({
    positionEmail: 'a@b.fr',
    personLastName: 'a',
    personFirstName: 'a',
    pharowCompanyId: 'a',
    companyName: 'a',
  }),
);
// A field added to the contract but not here would be silently dropped: then zod does everything.
const IN_STEP_WITH_CONTRACT =
  FAST_FIELDS.length === Object.keys(PharowItem.shape).length &&
  FAST_FIELDS.every((field) => field in PharowItem.shape);

/** `PharowItem.parse(raw)` for the common case, or `undefined` when zod must decide. */
export function normaliseFast(raw: unknown): PharowItem | undefined {
  if (!IN_STEP_WITH_CONTRACT || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  try {
    return normalise(raw as Record<string, unknown>);
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}
