/** Image proxies and scanners that fetch pixels without a human reading the email. */
const MACHINE_AGENTS = [
  /GoogleImageProxy/i,
  /YahooMailProxy/i,
  /ggpht\.com/i,
  /Microsoft Office.*Protection/i,
  /Barracuda|Mimecast|Proofpoint|SafeLinks/i,
  // Apple Mail Privacy Protection prefetches with a bare "Mozilla/5.0" user agent.
  /^Mozilla\/5\.0$/,
];

/** Opens closer than this to the send are scanners or prefetchers, not readers. */
export const MACHINE_OPEN_WINDOW_SECONDS = 10;

/** Whether an open is likely automatic: a known proxy's user agent, or too soon after sending. */
export function isMachineOpen(open: {
  userAgent: string | undefined;
  openedAt: Date;
  sentAt: Date | null;
  windowSeconds?: number;
}): boolean {
  const agent = open.userAgent?.trim() ?? '';
  if (agent === '' || MACHINE_AGENTS.some((pattern) => pattern.test(agent))) return true;
  if (open.sentAt === null) return false;
  const elapsed = (open.openedAt.getTime() - open.sentAt.getTime()) / 1000;
  return elapsed < (open.windowSeconds ?? MACHINE_OPEN_WINDOW_SECONDS);
}
