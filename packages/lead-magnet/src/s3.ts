import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignDownload } from './confirm.js';

export interface S3DownloadConfig {
  bucket: string;
  /** Object key of the guide. */
  key?: string;
  region: string;
  /** Overrides the AWS endpoint (local S3-compatible server in development and tests). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static credentials; omit in production to use the default provider chain (IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Name the browser saves the file under. */
  filename?: string;
  expiresInSeconds?: number;
}

export const GUIDE_KEY = 'lead-magnets/guide-mariee-sereine.pdf';
export const GUIDE_FILENAME = 'guide-mariee-sereine.pdf';

/** Builds the presigner of the guide: a GET URL valid 15 minutes that downloads as an attachment. */
export function createS3Download(config: S3DownloadConfig): PresignDownload {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? false,
    credentials: config.credentials,
  });
  const command = () =>
    new GetObjectCommand({
      Bucket: config.bucket,
      Key: config.key ?? GUIDE_KEY,
      ResponseContentDisposition: `attachment; filename="${config.filename ?? GUIDE_FILENAME}"`,
      ResponseContentType: 'application/pdf',
    });
  return () => getSignedUrl(client, command(), { expiresIn: config.expiresInSeconds ?? 15 * 60 });
}
