import type { Permission } from '@prospectflow/contracts';

declare module '#app' {
  interface PageMeta {
    /** Shown in the header and in `<title>` as "… · ProspectFlow". */
    title?: string;
    /** Reachable without a session (the login page, the lead magnet's public pages). */
    public?: boolean;
    /** The acting permission the page needs; without it the operator is sent to Settings. */
    permission?: Permission;
  }
}

export {};
