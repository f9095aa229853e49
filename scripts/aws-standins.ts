import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';

// Local stand-ins for S3 (s3rver) and SES v2 (aws-ses-v2-local), shared by `make dev`
// (scripts/dev.ts), the docker-compose service (scripts/aws-standins-server.ts) and the tests
// (test/aws-standins.ts). Both are dev dependencies of @prospectflow/lead-magnet, resolved from there.
const requireFromLeadMagnet = createRequire(new URL('../packages/lead-magnet/package.json', import.meta.url));

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
type SesServerFactory = (config: { host: string; port: number }) => Promise<Server>;

/** s3rver accepts any signature from its built-in account; the SDK must sign with these keys. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** The SES emulator only checks that some AWS credentials sign the request. */
export const SES_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const STANDIN_REGION = 'eu-west-3';
export const GUIDE_BUCKET = 'lightandshutter-lead-magnets';
export const GUIDE_OBJECT_KEY = 'lead-magnets/guide-mariee-sereine.pdf';

/** A running stand-in: its base URL and how to stop it. */
export interface RunningStandin {
  endpoint: string;
  stop: () => Promise<void>;
}

/** Starts s3rver storing objects under `directory`, with `buckets` created (port 0 = any free port). */
export async function startS3rver(options: {
  directory: string;
  port?: number;
  host?: string;
  buckets?: string[];
}): Promise<RunningStandin> {
  const host = options.host ?? '127.0.0.1';
  if (options.port) await assertPortFree(host, options.port, 's3rver');
  const S3rver = requireFromLeadMagnet('s3rver') as S3rverClass;
  const s3 = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: (options.buckets ?? [GUIDE_BUCKET]).map((name) => ({ name, configs: [] })),
  });
  const address = await s3.run();
  return { endpoint: `http://${urlHost(host)}:${address.port}`, stop: () => s3.close() };
}

/** Starts the SES v2 emulator (sent mail at `GET <endpoint>/store`); port 0 = any free port. */
export async function startSesEmulator(options: { port?: number; host?: string } = {}): Promise<RunningStandin> {
  const host = options.host ?? '127.0.0.1';
  // The emulator does not handle listen errors: a busy port would crash the process.
  if (options.port) await assertPortFree(host, options.port, 'aws-ses-v2-local');
  const sesModule = requireFromLeadMagnet('aws-ses-v2-local') as { default: SesServerFactory };
  const ses = await sesModule.default({ host, port: options.port ?? 0 });
  return {
    endpoint: `http://${urlHost(host)}:${(ses.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        ses.close(() => resolve());
        ses.closeAllConnections();
      }),
  };
}

/** Uploads an object anonymously (s3rver accepts unsigned requests). */
export async function putObject(endpoint: string, bucket: string, key: string, body: Buffer, type: string) {
  const response = await fetch(`${endpoint}/${bucket}/${key}`, {
    method: 'PUT',
    headers: { 'content-type': type },
    body,
  });
  if (!response.ok) throw new Error(`s3rver upload failed: ${response.status} ${await response.text()}`);
}

/** Uploads the guide PDF to its bucket and key. */
export function seedGuide(s3Endpoint: string, pdf: Buffer): Promise<void> {
  return putObject(s3Endpoint, GUIDE_BUCKET, GUIDE_OBJECT_KEY, pdf, 'application/pdf');
}

/** Rejects with a readable message when something already listens on host:port. */
export function assertPortFree(host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${what}: port ${port} on ${host} is not available (${error.code ?? error.message})`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
