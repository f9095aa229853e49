import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The stand-ins are dev dependencies of @prospectflow/lead-magnet, resolved from there (the root
// has no dependency on them).
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
/** A tiny but well-formed PDF, seeded as the guide. */
export const FAKE_GUIDE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);

export interface AwsStandins {
  s3Endpoint: string;
  sesEndpoint: string;
  bucket: string;
  stop: () => Promise<void>;
}

/** Starts s3rver (temp dir, free port, bucket with the guide) and the SES v2 emulator (free port). */
export async function startAwsStandins(): Promise<AwsStandins> {
  const directory = await mkdtemp(join(tmpdir(), 'pf-s3rver-'));
  const S3rver = requireFromLeadMagnet('s3rver') as S3rverClass;
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: GUIDE_BUCKET, configs: [] }],
  });
  const s3Address = await s3.run();
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;
  await putObject(s3Endpoint, GUIDE_BUCKET, GUIDE_OBJECT_KEY, FAKE_GUIDE_PDF, 'application/pdf');
  const sesModule = requireFromLeadMagnet('aws-ses-v2-local') as { default: SesServerFactory };
  const ses = await sesModule.default({ host: '127.0.0.1', port: 0 });
  const sesEndpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  return {
    s3Endpoint,
    sesEndpoint,
    bucket: GUIDE_BUCKET,
    stop: async () => {
      await new Promise<void>((resolve) => ses.close(() => resolve()));
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
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

/** One email as the SES emulator stores it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** Every email the SES emulator received, oldest first (its `/store` endpoint). */
export async function readSentEmails(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  if (!response.ok) throw new Error(`SES emulator /store answered ${response.status}`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails;
}

/** The emails sent to one address. */
export async function readEmailsTo(sesEndpoint: string, address: string): Promise<StoredEmail[]> {
  const emails = await readSentEmails(sesEndpoint);
  return emails.filter((email) => email.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}
