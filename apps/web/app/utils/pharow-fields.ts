import type { PharowField, REQUIRED_IMPORT_FIELDS } from '@prospectflow/contracts';

// Labels live here rather than importing PHAROW_FIELDS: that would bring zod into the browser
// bundle. `satisfies` keeps the list complete and exact when the contract changes.
const LABELS = {
  pharowListName: 'List name',
  positionJobTitle: 'Job title',
  positionEmail: 'Email',
  positionEmailStatus: 'Email status',
  positionEmailReliability: 'Email reliability',
  personSalutation: 'Salutation',
  personFirstName: 'First name',
  personLastName: 'Last name',
  personLinkedinUrl: 'LinkedIn URL',
  personMobilePhone: 'Mobile phone',
  personPhoneKaspr1: 'Phone (Kaspr 1)',
  personPhoneKaspr3: 'Phone (Kaspr 3)',
  personMobilePhoneBettercontact: 'Mobile (BetterContact)',
  personPhoneFullenrich1: 'Phone (FullEnrich 1)',
  personPhoneFullenrich3: 'Phone (FullEnrich 3)',
  pharowCompanyId: 'Pharow company id',
  companyName: 'Company name',
  companySiren: 'SIREN',
  companyHqSiret: 'HQ SIRET',
  companyBrandName: 'Brand name',
  companyLinkedinName: 'LinkedIn name',
  companyMainPhone: 'Main phone',
  companyMainPhoneOrigin: 'Main phone origin',
  companyGenericEmail: 'Generic email',
  companyNafSector: 'NAF sector',
  companyActivity: 'Activity',
  companyFoundingYear: 'Founding year',
  companyFoundingDate: 'Founding date',
  companyGrowing: 'Growing',
  companyNbEmployees: 'Number of employees',
  companyEmployeeRangeCorrected: 'Employee range',
  companyUrl: 'Website',
  companyLinkedinUrl: 'Company LinkedIn URL',
  companyHqFullAddress: 'HQ address',
  companyAnnualRevenueEuros: 'Annual revenue (€)',
  companyAnnualRevenueYear: 'Annual revenue year',
} as const satisfies Record<PharowField, string>;

type RequiredField = (typeof REQUIRED_IMPORT_FIELDS)[number];
/** Targets a mapping must include (the API checks the same list). */
export const REQUIRED_FIELDS = ['positionEmail', 'personFirstName', 'personLastName', 'companyName'] as const;
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// Does not compile when REQUIRED_FIELDS and the contract's list differ.
const _requiredMatchesContract: Exact<(typeof REQUIRED_FIELDS)[number], RequiredField> = true;

/** The import targets grouped as the mapping select shows them. */
export const PHAROW_FIELD_GROUPS: { label: string; fields: { value: PharowField; label: string }[] }[] = [
  { label: 'Person', prefix: /^person/ },
  { label: 'Position', prefix: /^(position|pharowList)/ },
  { label: 'Company', prefix: /^(company|pharowCompany)/ },
].map(({ label, prefix }) => ({
  label,
  fields: (Object.entries(LABELS) as [PharowField, string][])
    .filter(([field]) => prefix.test(field))
    .map(([value, text]) => ({ value, label: text })),
}));

/** A field's label, e.g. "First name". */
export function pharowFieldLabel(field: PharowField): string {
  return LABELS[field];
}
