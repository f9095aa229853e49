/** Cognito sign-in: keeps `state` and the PKCE verifier in a pending session, then goes to the Hosted UI. */
export default defineEventHandler(async (event) => {
  const { config } = useServices(event);
  const returnTo = safeReturnPath(getQuery(event).next);
  if (config.AUTH_MODE !== 'cognito') return sendRedirect(event, '/login', 302);
  const state = randomToken();
  const codeVerifier = randomToken();
  await startWebSession(event, { kind: 'pending', state, codeVerifier, returnTo, createdAt: Date.now() });
  setResponseHeader(event, 'cache-control', 'no-store');
  return sendRedirect(event, buildAuthorizeUrl(cognitoClient(config), state, codeVerifier), 302);
});
