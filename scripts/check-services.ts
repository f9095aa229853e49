import { connect } from 'node:net';
import { BaseEnv, ServicesEnv, loadEnv } from '@prospectflow/config';

interface Service {
  name: string;
  url: string;
  defaultPort: number;
  howToStart: string;
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port || defaultPort),
      timeout: 1500,
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Exits non-zero, naming each unreachable service and how to start it. */
export async function checkServices(): Promise<void> {
  const env = loadEnv(BaseEnv.extend(ServicesEnv.shape));
  const services: Service[] = [
    {
      name: 'PostgreSQL',
      url: env.DATABASE_URL,
      defaultPort: 5432,
      howToStart: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    },
    { name: 'RabbitMQ', url: env.RABBITMQ_URL, defaultPort: 5672, howToStart: 'rabbitmq-server -detached' },
    {
      name: 'Redis',
      url: env.REDIS_URL,
      defaultPort: 6379,
      howToStart: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    },
  ];
  const results = await Promise.all(services.map(async (s) => ({ ...s, ok: await reachable(s.url, s.defaultPort) })));
  const down = results.filter((r) => !r.ok);
  if (down.length === 0) return;
  console.error('These services are not reachable:');
  for (const s of down) {
    const { hostname, port } = new URL(s.url);
    console.error(`  - ${s.name} at ${hostname}:${port || s.defaultPort}; start it with: ${s.howToStart}`);
  }
  console.error('With Docker, `make infra-up` (docker compose up -d postgres rabbitmq redis) starts all three.');
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await checkServices();
