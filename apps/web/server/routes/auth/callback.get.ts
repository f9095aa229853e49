/** Back from the Cognito Hosted UI: state check, code exchange with the PKCE verifier, session. */
export default defineEventHandler(async (event) => {
  if (useServices(event).config.AUTH_MODE !== 'cognito') return sendRedirect(event, '/login', 302);
  const destination = await completeCognitoSignIn(event, getQuery(event));
  setResponseHeader(event, 'cache-control', 'no-store');
  return sendRedirect(event, destination, 302);
});
