/** What the login page needs: the sign-in mode and whether this browser already has a session. */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'cache-control', 'no-store');
  const session = await loadActiveSession(event);
  return { authMode: useServices(event).config.AUTH_MODE, signedIn: Boolean(session) };
});
