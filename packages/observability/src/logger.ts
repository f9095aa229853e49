import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'token',
  'password',
  'apiKey',
  'api_key',
  'secret',
  'x-api-key',
];

/** Paths pino redacts wherever they appear (top level, one level deep, request/response headers). */
export const REDACT_PATHS = [
  ...SECRET_KEYS.map((k) => `["${k}"]`),
  ...SECRET_KEYS.map((k) => `*["${k}"]`),
  ...SECRET_KEYS.map((k) => `req.headers["${k}"]`),
  ...SECRET_KEYS.map((k) => `res.headers["${k}"]`),
];

/** Builds the process logger; apps call this once in main.ts. */
export function createLogger(
  options: { level?: string; pretty?: boolean; name?: string; destination?: DestinationStream } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: options.name ? { service: options.name } : undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty) {
    return pino({
      ...config,
      transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname' } },
    });
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}

export let rootLogger: Logger = createLogger();

/** Replaces the root logger (call once at start-up before creating child loggers). */
export function setRootLogger(logger: Logger): void {
  rootLogger = logger;
}

/** A logger for one module: `createChildLogger('Ingest').info({ count }, 'ingest done')`. */
export function createChildLogger(module: string, parent: Logger = rootLogger): Logger {
  return parent.child({ module });
}
