// Values the root global setups hand to test files through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    rabbitmqUrl: string;
    webBaseUrl: string;
  }
}
export {};
