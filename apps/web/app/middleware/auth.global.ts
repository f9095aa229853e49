import type { MeResponse } from '@prospectflow/contracts';

function fetchMe(): Promise<MeResponse> {
  const request = () => useRequestFetch()<MeResponse>('/api/v1/me');
  // A 403 means the organisation picked earlier is no longer ours; the proxy has reset the choice.
  return request().catch((error) => (statusOf(error) === 403 ? request() : Promise.reject(error)));
}

/**
 * Every page but the public ones needs a session: loads `/api/v1/me` once (SSR, then from the
 * payload), sends signed-out visitors to /login, operators without an organisation to
 * /onboarding, and pages needing a permission the role lacks back to Settings.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  if (to.meta.public) return;
  const state = useMe();
  if (!state.value) {
    try {
      state.value = await fetchMe();
    } catch (error) {
      const status = statusOf(error);
      if (status === 401)
        return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } });
      throw createError({ statusCode: status === 429 ? 429 : 503, statusMessage: 'Your account could not be loaded' });
    }
  }
  const me = state.value;
  if (!me.organisation) return to.path === '/onboarding' ? undefined : navigateTo('/onboarding');
  if (to.meta.permission && !me.permissions.includes(to.meta.permission)) return navigateTo('/settings');
});
