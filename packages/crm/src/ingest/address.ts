/** Postal code and city from a French address such as "12 rue X, 69002 Lyon" or "… 75008 PARIS 8". */
export function cityOf(address: string | null): { postalCode: string | null; city: string | null } {
  if (!address) return { postalCode: null, city: null };
  const match = /\b(\d{5})\s+([^,\d][^,]*?)\s*(?:\d{1,2}(?:e|er|ème)?)?\s*(?:,|$)/iu.exec(address);
  if (!match) return { postalCode: null, city: null };
  const city = match[2]!.trim();
  return { postalCode: match[1]!, city: city ? city.replace(/\s+/g, ' ') : null };
}
