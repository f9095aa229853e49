declare module '#app' {
  interface PageMeta {
    /** Shown in the header and in `<title>` as "… · ProspectFlow". */
    title?: string;
  }
}

export {};
