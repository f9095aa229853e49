import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUIDE_BUCKET, seedGuide, startS3rver, startSesEmulator } from '../scripts/aws-standins.js';

// The stand-ins are started by scripts/aws-standins.ts (shared with `make dev`).
export {
  GUIDE_BUCKET,
  GUIDE_OBJECT_KEY,
  S3RVER_CREDENTIALS,
  SES_LOCAL_CREDENTIALS,
  STANDIN_REGION,
  putObject,
} from '../scripts/aws-standins.js';

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
  const s3 = await startS3rver({ directory });
  await seedGuide(s3.endpoint, FAKE_GUIDE_PDF);
  const ses = await startSesEmulator();
  return {
    s3Endpoint: s3.endpoint,
    sesEndpoint: ses.endpoint,
    bucket: GUIDE_BUCKET,
    stop: async () => {
      await ses.stop();
      await s3.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
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
