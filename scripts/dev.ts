import { concurrently } from 'concurrently';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';
import { checkServices } from './check-services.js';
import { DEFAULT_S3_PORT, DEFAULT_SES_PORT, startLocalAws } from './local-aws.js';
import { GUIDE_BUCKET, S3RVER_CREDENTIALS, STANDIN_REGION } from './aws-standins.js';

// `make dev`: checks services, migrates, seeds, starts the S3 and SES stand-ins, then runs
// api + web + worker with prefixed logs.
await checkServices();
// Readable logs by default in development; LOG_PRETTY=false in the environment keeps JSON lines.
process.env.LOG_PRETTY ??= 'true';
const env = loadEnv(BaseEnv.extend(ServicesEnv.shape));
const apiPort = process.env.API_PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '4000';
const workerPort = process.env.WORKER_PORT ?? '3100';

function runOnce(command: string): Promise<void> {
  const { result } = concurrently([{ command, name: 'setup' }], { prefix: 'none', raw: true });
  return result.then(() => undefined);
}

try {
  await runOnce('pnpm --silent db:migrate');
  await runOnce('pnpm --silent db:seed');
} catch {
  console.error('database setup failed; see the messages above');
  process.exit(1);
}

// Local S3 (s3rver, data in .dev-data/s3rver) and SES v2 (aws-ses-v2-local) for the lead magnet.
const s3Port = Number(process.env.S3RVER_PORT ?? DEFAULT_S3_PORT);
const sesPort = Number(process.env.SES_LOCAL_PORT ?? DEFAULT_SES_PORT);
const aws = await startLocalAws({ s3Port, sesPort }).catch((error: unknown) => {
  console.error(`AWS stand-ins failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
// Same keys for both: s3rver only accepts its own, the SES emulator accepts any.
const awsEnv = {
  AWS_REGION: STANDIN_REGION,
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
};
const webEnv = {
  ...awsEnv,
  S3_ENDPOINT: aws.s3Endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  LEAD_MAGNET_BUCKET: GUIDE_BUCKET,
  LEAD_MAGNET_CORS_ORIGINS: process.env.LEAD_MAGNET_CORS_ORIGINS ?? 'http://localhost:5173',
};
const workerEnv = {
  ...awsEnv,
  SES_ENDPOINT: aws.sesEndpoint,
  LEAD_MAGNET_PUBLIC_BASE_URL: `http://localhost:${webPort}`,
};

console.log(`
  ProspectFlow is starting (database ${new URL(env.DATABASE_URL).pathname.slice(1)})
    dashboard  http://localhost:${webPort}
    api        http://localhost:${apiPort}   (/health /ready /metrics)
    worker     http://localhost:${workerPort}   (/health /ready /metrics)
    demo login demo@prospectflow.local (dev sign-in by email)
    S3 (s3rver) http://localhost:${s3Port}   (bucket ${GUIDE_BUCKET}, sample guide seeded)
    sent mail  http://localhost:${sesPort}/store   (SES v2 emulator: lead-magnet emails)
`);

const { result, commands } = concurrently(
  [
    { command: 'tsx watch --clear-screen=false src/main.ts', cwd: 'apps/api', name: 'api', prefixColor: 'cyan' },
    {
      command: `pnpm exec nuxt dev --port ${webPort}`,
      cwd: 'apps/web',
      name: 'web',
      prefixColor: 'magenta',
      env: webEnv,
    },
    {
      command: 'tsx watch --clear-screen=false src/main.ts',
      cwd: 'apps/worker',
      name: 'worker',
      prefixColor: 'yellow',
      env: workerEnv,
    },
  ],
  { killOthersOn: ['failure'], prefix: '[{name}]', restartTries: 0, killSignal: 'SIGTERM' },
);

let stopping = false;
function stopAll(signal: NodeJS.Signals) {
  stopping = true;
  for (const command of commands) command.kill(signal);
}
process.once('SIGTERM', () => stopAll('SIGTERM'));
process.once('SIGINT', () => stopAll('SIGINT'));

result.then(
  () => aws.stop().finally(() => process.exit(0)),
  () => aws.stop().finally(() => process.exit(stopping ? 0 : 1)),
);
