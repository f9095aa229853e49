import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { findSubscriberByEmail } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { pollUntil } from '@prospectflow/testing';
import {
  FAKE_GUIDE_PDF,
  readEmailsTo,
  S3RVER_CREDENTIALS,
  SES_LOCAL_CREDENTIALS,
  STANDIN_REGION,
  startAwsStandins,
  type AwsStandins,
} from '../../../test/aws-standins.js';
import {
  confirmToken,
  createS3Download,
  createSesMailer,
  deliverEmailJob,
  EmailJobBusyError,
  submitSignup,
  unsubscribe,
  type EmailJobDeps,
} from '../src/index.js';
import { emailJobsInOutbox, ORIGIN, signupBody, uniqueEmail } from './fixtures.js';

const BASE_URL = 'https://app.example.test';
let db: TestDatabase;
let aws: AwsStandins;
let emailDeps: EmailJobDeps;

beforeAll(async () => {
  [db, aws] = await Promise.all([createTestDatabase(inject('templateDatabase')), startAwsStandins()]);
  const sendEmail = createSesMailer({
    region: STANDIN_REGION,
    endpoint: aws.sesEndpoint,
    credentials: SES_LOCAL_CREDENTIALS,
    from: 'Light & Shutter <guide@lightandshutter.test>',
  });
  emailDeps = { pool: db.pool, sendEmail, publicBaseUrl: BASE_URL };
});
afterAll(async () => {
  await Promise.all([db?.drop(), aws?.stop()]);
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE lm_subscribers, outreach_outbox CASCADE');
});

const presignDownload = () =>
  createS3Download({
    bucket: aws.bucket,
    region: STANDIN_REGION,
    endpoint: aws.s3Endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });

async function signUpAndSend(email: string) {
  await submitSignup(db.pool, signupBody(email), ORIGIN);
  const [job] = await emailJobsInOutbox(db.pool);
  expect(await deliverEmailJob(emailDeps, job)).toBe('sent');
  const [mail] = await pollUntil(() => readEmailsTo(aws.sesEndpoint, email.toLowerCase()).then((m) => m.length && m), {
    what: 'the confirmation email',
  });
  return { job: job!, mail: mail! };
}

function linkIn(text: string, path: 'confirm' | 'unsubscribe'): string {
  const match = new RegExp(`${BASE_URL}/api/lead-magnet/${path}/([A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no ${path} link in the email`);
  return match[1]!;
}

describe('email delivery through the SES v2 emulator', () => {
  it('sends the French confirmation email with the one-click unsubscribe headers', async () => {
    const email = uniqueEmail();
    const { mail } = await signUpAndSend(email);
    expect(mail.subject).toBe('Confirmez votre adresse pour recevoir votre guide');
    expect(mail.body.text).toContain('Ce lien est valable 48 heures.');
    expect(mail.body.html).toContain('Confirmer et télécharger le guide');
    const headers = Object.fromEntries((mail.headers ?? []).map((h) => [h.name, h.value]));
    const unsubscribeToken = linkIn(mail.body.text ?? '', 'unsubscribe');
    expect(headers['List-Unsubscribe']).toBe(`<${BASE_URL}/api/lead-magnet/unsubscribe/${unsubscribeToken}>`);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const subscriber = await findSubscriberByEmail(db.pool, email);
    expect(subscriber?.lastEmailSentAt).toBeInstanceOf(Date);
  });

  it('does not send a redelivered job twice', async () => {
    const email = uniqueEmail();
    const { job } = await signUpAndSend(email);
    expect(await deliverEmailJob(emailDeps, job)).toBe('already_done');
    expect(await readEmailsTo(aws.sesEndpoint, email)).toHaveLength(1);
  });

  it('keeps the job retryable when sending fails, and leased jobs busy', async () => {
    await submitSignup(db.pool, signupBody(uniqueEmail()), ORIGIN);
    const [job] = await emailJobsInOutbox(db.pool);
    const failing = { ...emailDeps, sendEmail: () => Promise.reject(new Error('SES is down')) };
    await expect(deliverEmailJob(failing, job)).rejects.toThrow('SES is down');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM lm_download_tokens');
    expect(rows[0].n).toBe(0);
    const hanging = { ...emailDeps, sendEmail: () => new Promise<string>(() => undefined) };
    void deliverEmailJob(hanging, job);
    await pollUntil(async () => (await db.pool.query('SELECT locked_until FROM lm_email_jobs')).rows[0].locked_until);
    await expect(deliverEmailJob(emailDeps, job)).rejects.toBeInstanceOf(EmailJobBusyError);
  });

  it('skips the email of a subscriber who unsubscribed meanwhile', async () => {
    const email = uniqueEmail();
    const { mail } = await signUpAndSend(email);
    await unsubscribe(db.pool, linkIn(mail.body.text ?? '', 'unsubscribe'), ORIGIN);
    await submitSignup(db.pool, signupBody(email), ORIGIN); // reopened: a new confirm job
    await db.pool.query(`UPDATE lm_subscribers SET status = 'unsubscribed'`); // then unsubscribed again
    const jobs = await emailJobsInOutbox(db.pool);
    expect(await deliverEmailJob(emailDeps, jobs[1])).toBe('skipped');
  });
});

describe('download through the presigned S3 URL', () => {
  it('the emailed link confirms and the presigned URL serves the PDF as an attachment', async () => {
    const { mail } = await signUpAndSend(uniqueEmail());
    const result = await confirmToken(
      { pool: db.pool, presignDownload: presignDownload() },
      linkIn(mail.body.text ?? '', 'confirm'),
      ORIGIN,
    );
    if (result.outcome !== 'ok') throw new Error(`confirm answered ${result.outcome}`);
    expect(result.downloadUrl).toContain('X-Amz-Expires=900');
    const response = await fetch(result.downloadUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="guide-mariee-sereine.pdf"');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(FAKE_GUIDE_PDF);
  });
});
