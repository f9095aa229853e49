import { isIP } from 'node:net';

/** Whether webhook targets may be loopback/private (dev and test) or must be public HTTPS (production). */
export interface WebhookTargetPolicy {
  allowPrivateTargets: boolean;
}

/** WEBHOOK_ALLOW_PRIVATE_TARGETS when set, else allowed everywhere but in production. */
export function webhookTargetPolicy(env: {
  NODE_ENV?: string;
  WEBHOOK_ALLOW_PRIVATE_TARGETS?: 'true' | 'false';
}): WebhookTargetPolicy {
  const explicit = env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  return { allowPrivateTargets: explicit === undefined ? env.NODE_ENV !== 'production' : explicit === 'true' };
}

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The IPv4 address of a dotted quad or an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` or `::ffff:7f00:1`). */
function ipv4Octets(address: string): number[] | null {
  const lower = address.toLowerCase();
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) return [hex[1]!, hex[2]!].flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 255]);
  const mapped = lower.replace(/^::ffff:/, '');
  return isIP(mapped) === 4 ? mapped.split('.').map(Number) : null;
}

/**
 * Loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast and reserved
 * addresses, IPv4 and IPv6 (including IPv4-mapped IPv6): never a webhook target in production.
 */
export function isNonPublicAddress(address: string): boolean {
  const v4 = ipv4Octets(address);
  if (v4) {
    const [a, b] = v4 as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  if (isIP(v6) !== 6) return false;
  return (
    v6 === '::' ||
    v6 === '::1' ||
    /^f[cd]/.test(v6) || // unique local fc00::/7
    /^fe[89ab]/.test(v6) || // link-local fe80::/10
    /^ff/.test(v6) || // multicast
    v6.startsWith('64:ff9b:') || // NAT64 can reach IPv4 private ranges
    v6.startsWith('2001:db8:')
  );
}

/**
 * Why `url` cannot be a webhook target, or null when it can. Production: https only, and no
 * IP-literal host that is not public (names are checked again at connection time). Dev/test:
 * plain http is allowed for localhost and 127.0.0.1 only.
 */
export function webhookUrlProblem(url: string, policy: WebhookTargetPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a valid URL';
  }
  if (parsed.username || parsed.password) return 'Credentials in the URL are not allowed';
  const host = parsed.hostname;
  const local = LOCAL_HOSTNAMES.has(host);
  if (parsed.protocol === 'http:') {
    if (!(policy.allowPrivateTargets && local)) return 'Must use https';
  } else if (parsed.protocol !== 'https:') {
    return 'Must use https';
  }
  if (policy.allowPrivateTargets) return null;
  const literal = host.replace(/^\[|\]$/g, '');
  if (local || host.endsWith('.localhost') || (isIP(literal) !== 0 && isNonPublicAddress(literal))) {
    return 'Private, loopback and link-local addresses are not allowed';
  }
  return null;
}
