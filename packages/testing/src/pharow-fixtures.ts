/** Deterministic pseudo-random numbers so generated payloads are the same on every run. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FIRST = [
  'Claire',
  'Julien',
  'Sophie',
  'Thomas',
  'Amélie',
  'Éric',
  'Zoé',
  'Mathis',
  'Léa',
  'François',
  'Chloé',
  'Noé',
];
const LAST = [
  'Martin',
  'Durand',
  'Lefèvre',
  'Bernard',
  'Petit',
  "D'Almeida",
  'Müller',
  'Nguyễn',
  'Roux',
  'Garçon',
  'Dubois',
];
const CITIES = [
  ['69002', 'Lyon'],
  ['75008', 'Paris'],
  ['44000', 'Nantes'],
  ['59000', 'Lille'],
  ['13001', 'Marseille'],
  ['31000', 'Toulouse'],
] as const;
const SECTORS = ['10.71C', '16.23Z', '52.29A', '62.01Z', '70.22Z', '47.11B'];
const RANGES = ['1-10', '11-50', '51-200', '201-500', '501-1000'];
const TITLES = ['Gérant', 'Directrice générale', 'Responsable achats', 'COO', 'Head of Sales', 'DRH'];
const LISTS = ['Artisans Lyon', 'Logistique Nord', 'SaaS Paris', 'Industrie Ouest'];

/**
 * `count` realistic Pharow items: ~`count / peoplePerCompany` companies, accents, apostrophes,
 * empty optional strings, some missing LinkedIn URLs. `seed` varies the data set.
 */
export function pharowItems(
  count: number,
  options: { seed?: number; peoplePerCompany?: number; prefix?: string } = {},
) {
  const random = rng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const perCompany = options.peoplePerCompany ?? 3;
  const prefix = options.prefix ?? 'c';
  return Array.from({ length: count }, (_, n) => {
    const c = Math.floor(n / perCompany);
    const [postal, city] = pick(CITIES);
    const first = pick(FIRST);
    const last = pick(LAST);
    const slug = `${first}.${last}.${n}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9.]/g, '');
    return {
      pharowListName: pick(LISTS),
      positionJobTitle: pick(TITLES),
      positionEmail: `${slug}@${prefix}${c}.example.fr`,
      positionEmailStatus: random() < 0.8 ? 'valid' : 'catch-all',
      positionEmailReliability: random() < 0.5 ? 'high' : '',
      personLastName: last,
      personFirstName: first,
      personSalutation: random() < 0.5 ? 'M.' : 'Mme',
      personLinkedinUrl: random() < 0.85 ? `https://www.linkedin.com/in/${slug}` : '',
      personMobilePhone: random() < 0.3 ? `+33 6 ${String(10_000_000 + n).slice(-8)}` : '',
      pharowCompanyId: `${prefix}-${c}`,
      companyName: `${pick(LAST)} ${pick(['SAS', 'SARL', '& Fils', 'Industries'])} ${c}`,
      companySiren: String(100_000_000 + c * 7 + (options.seed ?? 1) * 1_000_000).slice(0, 9),
      companyNafSector: pick(SECTORS),
      companyEmployeeRangeCorrected: pick(RANGES),
      companyNbEmployees: Math.floor(random() * 900) + 1,
      companyUrl: `https://${prefix}${c}.example.fr`,
      companyHqFullAddress: `${Math.floor(random() * 120) + 1} rue de la République, ${postal} ${city}`,
      companyAnnualRevenueEuros: Math.floor(random() * 50_000_000),
      companyAnnualRevenueYear: 2025,
      companyGrowing: random() < 0.5,
      companyActivity: '',
    };
  });
}
