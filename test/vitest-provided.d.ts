// Values the root global setups hand to test files through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    rabbitmqUrl: string;
    webBaseUrl: string;
    /** Environment of the main web server (without its port), to start variants of it. */
    webEnv: Record<string, string>;
    apiBaseUrl: string;
  }
}
export {};
