import type { H3Event } from 'h3';
import { AppError, MeResponse, TokenResponse, UnauthenticatedError } from '@prospectflow/contracts';
import { ApiCallError, callApi } from './api-client.js';
import type { WebConfig } from './config.js';
import { OAuthError, exchangeAuthorizationCode, refreshTokens, stateMatches, type OAuthClient } from './oauth.js';
import type { ActiveSession } from './session.js';

/** Tokens this close to expiry are refreshed (Cognito) or treated as expired (dev). */
const REFRESH_MARGIN_MS = 60_000;

/** The Hosted UI client described by the web configuration (AUTH_MODE=cognito). */
export function cognitoClient(config: WebConfig): OAuthClient {
  return {
    domain: config.COGNITO_DOMAIN ?? '',
    clientId: config.COGNITO_CLIENT_ID ?? '',
    clientSecret: config.COGNITO_CLIENT_SECRET,
    redirectUri: config.COGNITO_REDIRECT_URI,
    scopes: config.COGNITO_SCOPES,
  };
}

function newActiveSession(token: string, expiresInSeconds: number, refreshToken?: string): ActiveSession {
  const now = Date.now();
  return { kind: 'active', token, refreshToken, expiresAt: now + expiresInSeconds * 1000, createdAt: now };
}

async function refreshSession(event: H3Event, session: ActiveSession): Promise<ActiveSession | undefined> {
  const { config, logger } = useServices(event);
  if (!session.refreshToken || config.AUTH_MODE !== 'cognito') return undefined;
  try {
    const tokens = await refreshTokens(cognitoClient(config), session.refreshToken);
    const renewed = newActiveSession(tokens.id_token, tokens.expires_in, tokens.refresh_token ?? session.refreshToken);
    const refreshed = { ...renewed, organisationId: session.organisationId, createdAt: session.createdAt };
    await saveActiveSession(event, refreshed);
    return refreshed;
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    logger.warn(
      { code: error.code, requestId: event.context.requestId },
      'session renewal at the identity provider failed',
    );
    return undefined;
  }
}

/**
 * The signed-in session with a token the API will accept, refreshing it when close to expiry.
 * Without one, the session is dropped and a 401 is thrown.
 */
export async function requireActiveSession(event: H3Event): Promise<ActiveSession> {
  const session = await loadActiveSession(event);
  if (!session) throw new UnauthenticatedError('Sign in to continue');
  const remaining = session.expiresAt - Date.now();
  if (remaining > REFRESH_MARGIN_MS) return session;
  const refreshed = await refreshSession(event, session);
  if (refreshed) return refreshed;
  if (remaining > 0) return session;
  await endWebSession(event);
  throw new UnauthenticatedError('Your session has expired', 'session_expired');
}

/** Dev mode: asks the API's dev issuer for a token for `email` and starts a session with it. */
export async function signInWithDevToken(event: H3Event, email: string): Promise<void> {
  const token = await callApi(event, '/api/v1/auth/dev/token', TokenResponse, { method: 'POST', body: { email } });
  await startWebSession(event, newActiveSession(token.accessToken, token.expiresIn));
  useServices(event).logger.info({ requestId: event.context.requestId, mode: 'dev' }, 'operator signed in');
}

/**
 * Cognito mode, back from the Hosted UI: checks `state` against the pending sign-in, exchanges
 * the code with the PKCE verifier and starts the session. Returns where to send the browser.
 */
export async function completeCognitoSignIn(event: H3Event, query: Record<string, unknown>): Promise<string> {
  const { config, logger } = useServices(event);
  const pending = await takePendingLogin(event);
  const code = typeof query.code === 'string' ? query.code : undefined;
  const state = typeof query.state === 'string' ? query.state : undefined;
  if (!pending || !code || !stateMatches(pending.state, state)) {
    logger.warn({ requestId: event.context.requestId, pending: Boolean(pending) }, 'sign-in callback refused');
    await endWebSession(event);
    return '/login?error=sign_in_failed';
  }
  try {
    const tokens = await exchangeAuthorizationCode(cognitoClient(config), code, pending.codeVerifier);
    await startWebSession(event, newActiveSession(tokens.id_token, tokens.expires_in, tokens.refresh_token));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    logger.warn({ requestId: event.context.requestId, code: error.code }, 'code exchange failed');
    await endWebSession(event);
    return '/login?error=sign_in_failed';
  }
  logger.info({ requestId: event.context.requestId, mode: 'cognito' }, 'operator signed in');
  return pending.returnTo;
}

/** Checks with the API that the operator belongs to `organisationId`, then acts in it from now on. */
export async function switchOrganisation(event: H3Event, organisationId: string) {
  const session = await requireActiveSession(event);
  const me = await callApi(event, '/api/v1/me', MeResponse, { token: session.token });
  const organisation = me.organisations.find((o) => o.id === organisationId);
  if (!organisation) return undefined;
  await saveActiveSession(event, { ...session, organisationId });
  return organisation;
}

/** The `?error=` code the login page shows when a dev sign-in fails. */
export function devLoginErrorCode(error: unknown): string {
  if (error instanceof ApiCallError) {
    if (error.status === 404) return 'dev_login_disabled';
    if (error.status === 400) return 'invalid_email';
    if (error.status === 429) return 'rate_limited';
    return 'sign_in_failed';
  }
  if (error instanceof AppError && error.kind === 'unavailable') return 'api_unavailable';
  throw error;
}
