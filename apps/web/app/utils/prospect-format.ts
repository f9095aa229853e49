/** "First Last", or a dash when the person has no name on record. */
export function personName(person: { firstName: string | null; lastName: string | null }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || '—';
}

/** `[local, @domain]`: rendered with a <wbr> between, a long address wraps at the @ rather than mid-word. */
export function emailParts(email: string): [string, string] {
  const at = email.lastIndexOf('@');
  return at > 0 ? [email.slice(0, at), email.slice(at)] : [email, ''];
}

/** Badge tone of an email status as Pharow reports it (`valid`, `catch_all`, `invalid`…). */
export function emailStatusTone(status: string | null): string {
  if (status === 'valid') return 'pf-badge--success';
  if (status === 'invalid') return 'pf-badge--danger';
  return 'pf-badge--muted';
}
