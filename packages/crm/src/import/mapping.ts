import {
  PHAROW_FIELDS,
  REQUIRED_IMPORT_FIELDS,
  ValidationError,
  type ImportMapping,
  type PharowField,
} from '@prospectflow/contracts';

/** Lower case, no accents, letters and digits only: "E-mail " → "email", "Société" → "societe". */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Column names French and English exports commonly use, per field. */
const ALIASES: Partial<Record<PharowField, string[]>> = {
  positionEmail: ['Email', 'E-mail', 'Mail', 'Courriel', 'Adresse email', 'Adresse e-mail', 'Email professionnel'],
  positionJobTitle: ['Poste', 'Fonction', 'Intitulé de poste', 'Job title', 'Title', 'Position'],
  positionEmailStatus: ['Statut email', 'Email status'],
  personFirstName: ['Prénom', 'First name', 'Firstname', 'Given name'],
  personLastName: ['Nom', 'Nom de famille', 'Last name', 'Lastname', 'Surname', 'Family name'],
  personSalutation: ['Civilité', 'Salutation'],
  personLinkedinUrl: ['LinkedIn', 'LinkedIn URL', 'URL LinkedIn', 'Profil LinkedIn', 'LinkedIn profile'],
  personMobilePhone: ['Mobile', 'Portable', 'Téléphone', 'Téléphone mobile', 'Téléphone portable', 'Phone'],
  companyName: ['Entreprise', 'Société', 'Company', 'Company name', 'Raison sociale', 'Nom entreprise', 'Organisation'],
  companySiren: ['SIREN', 'Numéro SIREN', 'N° SIREN'],
  companyHqSiret: ['SIRET', 'SIRET siège'],
  companyBrandName: ['Marque', 'Enseigne', 'Nom commercial', 'Brand'],
  companyNafSector: ['NAF', 'Code NAF', 'Code APE', 'APE'],
  companyActivity: ['Activité', "Secteur d'activité", 'Industry'],
  companyNbEmployees: ['Effectif', 'Nombre de salariés', 'Employees', 'Headcount'],
  companyEmployeeRangeCorrected: ["Tranche d'effectif", 'Tranche effectif', 'Employee range', 'Company size'],
  companyUrl: ['Site web', 'Site internet', 'Website', 'URL'],
  companyLinkedinUrl: ['LinkedIn entreprise', 'Company LinkedIn'],
  companyMainPhone: ['Téléphone entreprise', 'Standard', 'Company phone'],
  companyGenericEmail: ['Email générique', 'Email entreprise', 'Generic email', 'Company email'],
  companyHqFullAddress: ['Adresse', 'Adresse du siège', 'Address'],
  companyAnnualRevenueEuros: ["Chiffre d'affaires", 'CA', 'Revenue', 'Annual revenue'],
  companyFoundingYear: ['Année de création', 'Founding year'],
  companyFoundingDate: ['Date de création', 'Founding date'],
  pharowListName: ['Liste', 'Nom de la liste', 'List', 'List name'],
};

const FIELD_BY_NAME = new Map<string, PharowField>([
  ...Object.entries(ALIASES).flatMap(([field, names]) =>
    names.map((name) => [normaliseHeader(name), field as PharowField] as const),
  ),
  // Pharow's own column names win over aliases.
  ...PHAROW_FIELDS.map((field) => [normaliseHeader(field), field] as const),
]);

/** Header → the Pharow field of the same name or a known alias (each field proposed once), else null. */
export function suggestMapping(headers: readonly string[]): ImportMapping {
  const used = new Set<PharowField>();
  return Object.fromEntries(
    headers.map((header) => {
      const field = FIELD_BY_NAME.get(normaliseHeader(header));
      if (!field || used.has(field)) return [header, null];
      used.add(field);
      return [header, field];
    }),
  );
}

/** Checks a mapping against the file's headers; one 400 lists every problem. */
export function validateMapping(headers: readonly string[], mapping: ImportMapping): void {
  const unknownColumns = Object.keys(mapping).filter((header) => !headers.includes(header));
  const targets = Object.values(mapping).filter((field): field is PharowField => field !== null);
  const duplicateFields = [...new Set(targets.filter((field, i) => targets.indexOf(field) !== i))];
  const missingFields = REQUIRED_IMPORT_FIELDS.filter((field) => !targets.includes(field));
  if (unknownColumns.length + duplicateFields.length + missingFields.length === 0) return;
  const problems = [
    missingFields.length ? `map a column to ${missingFields.join(', ')}` : '',
    duplicateFields.length ? `map only one column to ${duplicateFields.join(', ')}` : '',
    unknownColumns.length ? `the file has no column ${unknownColumns.map((c) => `"${c}"`).join(', ')}` : '',
  ].filter(Boolean);
  throw new ValidationError(
    `Invalid mapping: ${problems.join('; ')}`,
    { missingFields, duplicateFields, unknownColumns },
    'invalid_mapping',
  );
}

export interface ColumnPlan {
  columns: { index: number; field: PharowField }[];
  /** Field → the CSV column it comes from, to explain rejections in the operator's words. */
  labels: Map<string, string>;
  deriveCompanyId: boolean;
}

/** Which cell feeds which field, for a validated mapping. */
export function planColumns(headers: readonly string[], mapping: ImportMapping): ColumnPlan {
  const columns = headers.flatMap((header, index) => {
    const field = mapping[header];
    return field ? [{ index, field }] : [];
  });
  const labels = new Map(columns.map((c) => [c.field as string, headers[c.index]!]));
  return { columns, labels, deriveCompanyId: !labels.has('pharowCompanyId') };
}

/** A company id for files without Pharow's: the SIREN, else the company name (both prefixed, never a Pharow id). */
export function deriveCompanyId(siren: unknown, name: unknown): string | undefined {
  if (typeof siren === 'string' && /^\d{9}$/.test(siren)) return `siren:${siren}`;
  const normalised = typeof name === 'string' ? name.trim().replace(/\s+/g, ' ').toLowerCase() : '';
  return normalised ? `name:${normalised}` : undefined;
}

/** One CSV record as a Pharow item (validated afterwards like any pushed item). */
export function rowToItem(cells: readonly string[], plan: ColumnPlan): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const { index, field } of plan.columns) item[field] = cells[index] ?? '';
  // Spreadsheets often show SIREN/SIRET as "123 456 789".
  for (const field of ['companySiren', 'companyHqSiret']) {
    if (typeof item[field] === 'string') item[field] = (item[field] as string).replace(/[\s\u00a0]/g, '');
  }
  if (plan.deriveCompanyId) item.pharowCompanyId = deriveCompanyId(item.companySiren, item.companyName);
  return item;
}
