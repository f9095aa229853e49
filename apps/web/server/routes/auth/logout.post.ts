/** Ends the session (Redis entry and cookie); in Cognito mode also ends the Hosted UI session. */
export default defineEventHandler(async (event) => {
  assertSameOrigin(event);
  const { config } = useServices(event);
  await endWebSession(event);
  const destination =
    config.AUTH_MODE === 'cognito' ? buildLogoutUrl(cognitoClient(config), config.COGNITO_LOGOUT_URI) : '/login';
  return sendRedirect(event, destination, 303);
});
