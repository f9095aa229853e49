import { concurrently } from 'concurrently';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';
import { checkServices } from './check-services.js';

// `make dev`: checks services, migrates, seeds, then runs api + web + worker with prefixed logs.
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

console.log(`
  ProspectFlow is starting (database ${new URL(env.DATABASE_URL).pathname.slice(1)})
    dashboard  http://localhost:${webPort}
    api        http://localhost:${apiPort}   (/health /ready /metrics)
    worker     http://localhost:${workerPort}   (/health /ready /metrics)
    demo login demo@prospectflow.local (dev sign-in by email)
`);

const { result, commands } = concurrently(
  [
    { command: 'tsx watch --clear-screen=false src/main.ts', cwd: 'apps/api', name: 'api', prefixColor: 'cyan' },
    { command: `pnpm exec nuxt dev --port ${webPort}`, cwd: 'apps/web', name: 'web', prefixColor: 'magenta' },
    {
      command: 'tsx watch --clear-screen=false src/main.ts',
      cwd: 'apps/worker',
      name: 'worker',
      prefixColor: 'yellow',
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
  () => process.exit(0),
  () => process.exit(stopping ? 0 : 1),
);
