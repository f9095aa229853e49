import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { SendEmail } from './email-job.js';

export interface SesMailerConfig {
  region: string;
  /** Verified sender, e.g. `Light & Shutter <guide@lightandshutter.fr>`. */
  from: string;
  /** Overrides the AWS endpoint (local SES v2 emulator in development and tests). */
  endpoint?: string;
  /** Static credentials; omit in production to use the default provider chain (IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  configurationSetName?: string;
}

/**
 * Builds the SES v2 sender: Simple content (text + HTML, UTF-8) with custom headers, which
 * SES v2 accepts since 2024 (`Content.Simple.Headers`), so no hand-built MIME is needed.
 */
export function createSesMailer(config: SesMailerConfig): SendEmail {
  const client = new SESv2Client({ region: config.region, endpoint: config.endpoint, credentials: config.credentials });
  return async (email) => {
    const output = await client.send(
      new SendEmailCommand({
        FromEmailAddress: config.from,
        Destination: { ToAddresses: [email.to] },
        ConfigurationSetName: config.configurationSetName,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })),
          },
        },
      }),
    );
    return output.MessageId ?? '';
  };
}
