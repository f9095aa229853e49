import type { MeResponse, Permission } from '@prospectflow/contracts';

/** The signed-in operator, the acting organisation and its permissions (no token: see doc/WEB.md). */
export function useMe() {
  return useState<MeResponse | null>('me', () => null);
}

/** `can('members:manage')`: whether the acting role holds a permission. */
export function useCan() {
  const me = useMe();
  return (permission: Permission) => me.value?.permissions.includes(permission) ?? false;
}
