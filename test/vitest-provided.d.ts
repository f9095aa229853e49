// Values the root global setups hand to test files through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    rabbitmqUrl: string;
    webBaseUrl: string;
    /** Environment of the main web server (without its port), to start variants of it. */
    webEnv: Record<string, string>;
    apiBaseUrl: string;
    /** Local S3 (s3rver, holds the guide) and SES v2 emulator (`GET /store`) of the e2e run. */
    awsStandins: { s3Endpoint: string; sesEndpoint: string };
    /** Port whose `http://127.0.0.1:<port>` origin the web server's lead-magnet CORS allowlist admits. */
    leadMagnetLandingPort: number;
  }
}
export {};
