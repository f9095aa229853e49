/**
 * A local path to return to after sign-in, from an untrusted `next` value. Anything else (other
 * hosts, protocol-relative `//x`, backslashes, the sign-in pages themselves) becomes `/`.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return '/';
  if (/^\/[/\\]/.test(value) || /[\s\\]/.test(value)) return '/';
  if (/^\/(login|auth\/)/.test(value)) return '/';
  return value;
}
