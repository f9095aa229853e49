import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const BASE_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MANAGEMENT_URL = process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';

async function viaManagementApi(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<boolean> {
  try {
    const url = new URL(MANAGEMENT_URL);
    const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString(
      'base64',
    );
    url.username = '';
    url.password = '';
    const response = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * A throwaway vhost for one test run, through the management API when it is enabled,
 * else `rabbitmqctl` (the broker on a developer machine or CI host).
 */
export async function createTestVhost(): Promise<{ url: string; drop: () => Promise<void> }> {
  const vhost = `pf_test_${randomBytes(4).toString('hex')}`;
  const user = new URL(BASE_URL).username || 'guest';
  const api = await viaManagementApi('PUT', `/api/vhosts/${vhost}`);
  if (api) {
    await viaManagementApi('PUT', `/api/permissions/${vhost}/${user}`, { configure: '.*', write: '.*', read: '.*' });
  } else {
    await run('rabbitmqctl', ['add_vhost', vhost]);
    await run('rabbitmqctl', ['set_permissions', '-p', vhost, user, '.*', '.*', '.*']);
  }
  const url = new URL(BASE_URL);
  url.pathname = `/${vhost}`;
  return {
    url: url.toString(),
    drop: async () => {
      if (api) await viaManagementApi('DELETE', `/api/vhosts/${vhost}`);
      else await run('rabbitmqctl', ['delete_vhost', vhost]).catch(() => undefined);
    },
  };
}
