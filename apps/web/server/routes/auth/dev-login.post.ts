import { z } from 'zod';

const DevLoginForm = z.object({ email: z.string().trim().min(1).max(254), next: z.string().optional() });

/** Dev sign-in form (AUTH_MODE=dev): token from the API's dev issuer → session → back to the app. */
export default defineEventHandler(async (event) => {
  assertSameOrigin(event);
  if (useServices(event).config.AUTH_MODE !== 'dev') return sendRedirect(event, '/login', 303);
  const form = DevLoginForm.safeParse(await readBody(event));
  if (!form.success) return sendRedirect(event, '/login?error=invalid_email', 303);
  try {
    await signInWithDevToken(event, form.data.email);
  } catch (error) {
    return sendRedirect(event, `/login?error=${devLoginErrorCode(error)}`, 303);
  }
  return sendRedirect(event, safeReturnPath(form.data.next), 303);
});
