import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SAMPLE_GUIDE_PATH } from './sample-guide-pdf.js';
import { seedGuide, startS3rver, startSesEmulator } from './aws-standins.js';

export interface LocalAwsOptions {
  /** Interface both listen on: 127.0.0.1 for `make dev`, 0.0.0.0 in a container. */
  host?: string;
  s3Port?: number;
  sesPort?: number;
  /** Where s3rver keeps its objects (kept across restarts). */
  s3Directory?: string;
}

export interface LocalAws {
  s3Endpoint: string;
  sesEndpoint: string;
  stop: () => Promise<void>;
}

export const DEFAULT_S3_PORT = 4569;
export const DEFAULT_SES_PORT = 8005;
export const DEFAULT_S3_DIRECTORY = fileURLToPath(new URL('../.dev-data/s3rver', import.meta.url));

/** Starts s3rver and the SES v2 emulator on fixed ports and (re)seeds the sample guide PDF. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const directory = options.s3Directory ?? DEFAULT_S3_DIRECTORY;
  await mkdir(directory, { recursive: true });
  const s3 = await startS3rver({ host: options.host, port: options.s3Port ?? DEFAULT_S3_PORT, directory });
  try {
    await seedGuide(s3.endpoint, await readFile(SAMPLE_GUIDE_PATH));
    const ses = await startSesEmulator({ host: options.host, port: options.sesPort ?? DEFAULT_SES_PORT });
    return {
      s3Endpoint: s3.endpoint,
      sesEndpoint: ses.endpoint,
      stop: async () => {
        await ses.stop();
        await s3.stop();
      },
    };
  } catch (error) {
    await s3.stop();
    throw error;
  }
}
