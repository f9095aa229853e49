import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private Dovecot IMAP server (plain text, 127.0.0.1) for one test file; see doc/DEVELOPMENT.md. */
export interface DovecotServer {
  host: string;
  port: number;
  /** Login → password of the users it was started with. */
  users: Record<string, string>;
  /** Sets the INBOX UIDVALIDITY of a user (as a server migration or a restored backup would). */
  setUidValidity(user: string, value: number): Promise<void>;
  stop(): Promise<void>;
}

const MAIL_USER = 'dovecot';

/**
 * Starts `dovecot -F` with its own configuration in a temp dir: no system service, config or
 * mail is touched, and nothing survives `stop()`. Needs Dovecot 2.3 (`make dovecot`) and root
 * (the master process switches to the `dovecot`/`dovenull` system users, as packaged).
 */
export async function startDovecot(users: Record<string, string>): Promise<DovecotServer> {
  await assertInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'pf-dovecot-'));
  try {
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'mail'));
    await chown(join(dir, 'mail'), await uidOf(MAIL_USER), await gidOf(MAIL_USER));
    const passwd = Object.entries(users).map(([user, password]) => `${user}:{PLAIN}${password}::::::`);
    await writeFile(join(dir, 'passwd'), `${passwd.join('\n')}\n`, { mode: 0o644 });
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await writeFile(join(dir, 'dovecot.conf'), dovecotConfig(dir, port));
      const child = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output: string[] = [];
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.on('error', (error) => output.push(error.message));
      const [user, password] = Object.entries(users)[0] ?? ['nobody', ''];
      const started = await waitForLogin(child, port, user, password);
      if (started) return server(dir, port, users, child);
      await stopChild(child);
      const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      if (attempt >= 3 || !/in use/i.test(output.join('') + log)) {
        throw new Error(`dovecot did not start on 127.0.0.1:${port}:\n${output.join('')}\n${log}`);
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function server(dir: string, port: number, users: Record<string, string>, child: ChildProcess): DovecotServer {
  const config = join(dir, 'dovecot.conf');
  // A test process that exits without stop() (failed hook, interrupted run) takes its Dovecot along.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    host: '127.0.0.1',
    port,
    users,
    setUidValidity: async (user, value) => {
      await run('doveadm', ['-c', config, 'mailbox', 'update', '-u', user, '--uid-validity', String(value), 'INBOX']);
    },
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function dovecotConfig(dir: string, port: number): string {
  return `# Written by test/dovecot.ts for one test file.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = pf-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Answer a wrong password at once (tests of the poller's back-off count attempts, not seconds).
auth_failure_delay = 0
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
mail_uid = ${MAIL_USER}
mail_gid = ${MAIL_USER}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = home=${dir}/mail/%u
}
# No per-IP auth penalty (Dovecot's documented switch): one wrong password would slow every login from 127.0.0.1.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

async function assertInstalled(): Promise<void> {
  const { stdout } = await run('dovecot', ['--version']).catch(() => {
    throw new Error('dovecot is not installed: run `make dovecot` (Debian package dovecot-imapd)');
  });
  if (!stdout.startsWith('2.3.'))
    throw new Error(`test/dovecot.ts writes a Dovecot 2.3 configuration, found ${stdout}`);
  if (userInfo().uid !== 0) throw new Error('the test Dovecot runs as root (its master drops to the dovecot users)');
}

async function uidOf(user: string): Promise<number> {
  return Number((await run('id', ['-u', user])).stdout.trim());
}

async function gidOf(user: string): Promise<number> {
  return Number((await run('id', ['-g', user])).stdout.trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** True once `user` can log in over IMAP; false when the process exits or 15 s pass. */
async function waitForLogin(child: ChildProcess, port: number, user: string, password: string): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await tryLogin(port, user, password)) return true;
    await sleep(100);
  }
  return false;
}

function tryLogin(port: number, user: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let sent = false;
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (!sent && /^\* OK .*\r\n/m.test(received)) {
        sent = true;
        socket.write(`a1 LOGIN "${user}" "${password}"\r\n`);
      } else if (/^a1 OK/m.test(received)) {
        socket.write('a2 LOGOUT\r\n');
        done(true);
      } else if (/^a1 (NO|BAD)/m.test(received)) {
        done(false);
      }
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await exited;
  }
}
