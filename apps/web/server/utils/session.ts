import { createHash, randomBytes } from 'node:crypto';
import type { H3Event } from 'h3';
import { z } from 'zod';

export const SESSION_COOKIE = 'pf_session';
const KEY_PREFIX = 'pf:web:session:';
/** A Cognito sign-in that has not come back from the Hosted UI within this delay is dropped. */
export const PENDING_LOGIN_TTL_SECONDS = 600;

/** A signed-in operator: the bearer token the API accepts never leaves the server. */
export const ActiveSession = z.object({
  kind: z.literal('active'),
  /** Dev access token, or the Cognito ID token (the API reads its email claim). */
  token: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** Epoch milliseconds after which `token` is no longer accepted. */
  expiresAt: z.number(),
  /** The organisation picked with the switcher; absent means the API's default membership. */
  organisationId: z.uuid().optional(),
  createdAt: z.number(),
});
export type ActiveSession = z.infer<typeof ActiveSession>;

/** A Cognito sign-in in progress: the PKCE verifier and `state` stay on the server. */
export const PendingLogin = z.object({
  kind: z.literal('pending'),
  state: z.string().min(1),
  codeVerifier: z.string().min(1),
  returnTo: z.string(),
  createdAt: z.number(),
});
export type PendingLogin = z.infer<typeof PendingLogin>;

const StoredSession = z.discriminatedUnion('kind', [ActiveSession, PendingLogin]);
type StoredSession = z.infer<typeof StoredSession>;

/** Redis holds the SHA-256 of the cookie value, so a Redis dump cannot be replayed as a cookie. */
function redisKey(sessionId: string): string {
  return KEY_PREFIX + createHash('sha256').update(sessionId).digest('hex');
}

function cookieOptions(event: H3Event) {
  const secure = useServices(event).config.PUBLIC_BASE_URL.startsWith('https:');
  return { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;
}

function ttlOf(event: H3Event, session: StoredSession): number {
  return session.kind === 'pending' ? PENDING_LOGIN_TTL_SECONDS : useServices(event).config.SESSION_IDLE_TTL_SECONDS;
}

/** Reads the cookie's session and slides its idle expiry; undefined when absent, expired or corrupt. */
async function loadStoredSession(event: H3Event): Promise<StoredSession | undefined> {
  const sessionId = getCookie(event, SESSION_COOKIE);
  if (!sessionId) return undefined;
  const { redis, config } = useServices(event);
  const raw = await redis.getex(redisKey(sessionId), 'EX', config.SESSION_IDLE_TTL_SECONDS);
  if (!raw) return undefined;
  const parsed = StoredSession.safeParse(parseJson(raw));
  return parsed.success ? parsed.data : undefined;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Deletes the Redis entry of the cookie's session, if any; the cookie itself is left alone. */
async function dropStoredSession(event: H3Event): Promise<boolean> {
  const sessionId = getCookie(event, SESSION_COOKIE);
  event.context.webSession = null;
  if (!sessionId) return false;
  await useServices(event).redis.del(redisKey(sessionId));
  return true;
}

/** The signed-in session of this request, if any (cached on the event). */
export async function loadActiveSession(event: H3Event): Promise<ActiveSession | undefined> {
  if (event.context.webSession === undefined) {
    const stored = await loadStoredSession(event);
    event.context.webSession = stored?.kind === 'active' ? stored : null;
  }
  return event.context.webSession ?? undefined;
}

/** Reads and deletes the pending Cognito sign-in of this browser: a `state` is usable once. */
export async function takePendingLogin(event: H3Event): Promise<PendingLogin | undefined> {
  const stored = await loadStoredSession(event);
  await dropStoredSession(event);
  if (stored?.kind !== 'pending') return undefined;
  return Date.now() - stored.createdAt <= PENDING_LOGIN_TTL_SECONDS * 1000 ? stored : undefined;
}

/**
 * Starts a new session under a fresh random id (any previous one is destroyed first, so a
 * session id planted before sign-in is never promoted) and sets the cookie.
 */
export async function startWebSession(event: H3Event, session: StoredSession): Promise<void> {
  await dropStoredSession(event);
  const sessionId = randomBytes(32).toString('base64url');
  await useServices(event).redis.set(redisKey(sessionId), JSON.stringify(session), 'EX', ttlOf(event, session));
  setCookie(event, SESSION_COOKIE, sessionId, cookieOptions(event));
  if (session.kind === 'active') event.context.webSession = session;
}

/** Rewrites the current session (new token, organisation) keeping its id. */
export async function saveActiveSession(event: H3Event, session: ActiveSession): Promise<void> {
  const sessionId = getCookie(event, SESSION_COOKIE);
  if (!sessionId) return;
  await useServices(event).redis.set(redisKey(sessionId), JSON.stringify(session), 'EX', ttlOf(event, session));
  event.context.webSession = session;
}

/** Deletes the session from Redis and clears the cookie. */
export async function endWebSession(event: H3Event): Promise<void> {
  if (await dropStoredSession(event)) deleteCookie(event, SESSION_COOKIE, cookieOptions(event));
}

declare module 'h3' {
  interface H3EventContext {
    /** null once looked up and absent; undefined before the first lookup. */
    webSession?: ActiveSession | null;
  }
}
