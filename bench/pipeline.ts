import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createPool, dropDatabase, ensureDatabase, migrate, withDatabaseName, type Pool } from '@prospectflow/db';
import { createTestVhost } from '../test/rabbitmq-vhost.js';
import { benchEnv, printTable } from './support.js';

// Campaign pipeline: scheduler → outbox relay → draft consumer (templates, approval off) →
// scheduler → relay → send consumer → a local SMTP server, with the worker in its own process
// (as `make dev` runs it, production defaults unless overridden below). Baseline in the same run:
// nodemailer, in another process, sending equivalent messages straight to the same SMTP server
// through the same SMTP connection budget (one pool of 5 per mailbox, as the worker's transports),
// every connection kept busy. Rounds alternate so both see the same background load.
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 20);
const PER_ROUND = Number(process.env.BENCH_MESSAGES ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 250);
const PACED_SECONDS = 10;
const SMTP_CONNECTIONS_PER_MAILBOX = 5; // as createSmtpTransport
const DIRECT_IN_FLIGHT = MAILBOXES * SMTP_CONNECTIONS_PER_MAILBOX;
// Worker settings (env of the worker process); a send job spends most of its time waiting on
// Postgres or SMTP, so it takes more jobs in flight than SMTP connections to keep them busy.
const SEND_CONCURRENCY = process.env.BENCH_SEND_CONCURRENCY ?? '200';
const DRAFT_CONCURRENCY = process.env.BENCH_DRAFT_CONCURRENCY ?? '100';
const WORKER_POOL_MAX = process.env.BENCH_WORKER_POOL_MAX ?? '60';
const BODY = `Bonjour {{person.firstName | "à vous"}},

Je me permets de vous écrire au sujet de {{company.name}} : nous aidons les équipes comme la vôtre
à préparer leurs campagnes de prospection sans y passer leurs soirées. En tant que
{{position.jobTitle}}, vous avez sans doute déjà vu passer ce genre de message ; celui-ci est court.

Seriez-vous disponible quinze minutes la semaine prochaine pour en parler ?

Bien cordialement,
{{sender.name}}`;

/** Child mode: sends `count` messages straight to the SMTP server, `DIRECT_IN_FLIGHT` at a time. */
async function directSender([port, count, tag]: string[]) {
  const transports = Array.from({ length: MAILBOXES }, () =>
    nodemailer.createTransport({
      pool: true,
      maxConnections: SMTP_CONNECTIONS_PER_MAILBOX,
      host: '127.0.0.1',
      port: Number(port),
      secure: false,
    }),
  );
  let next = 0;
  const started = Date.now();
  const sendOne = async (i: number) => {
    const m = i % MAILBOXES;
    const to = `d${tag}-${i}@direct.example.fr`;
    await transports[m]!.sendMail({
      from: { name: `Claire ${m}`, address: `sender${m}@bench.example.com` },
      to,
      replyTo: `replies${m}@bench.example.com`,
      subject: `Bonjour Prénom${i}`,
      text: `${BODY.replaceAll(/\{\{[^}]+\}\}/g, `Société ${i}`)}\n\nSe désinscrire : https://track.example/u/${'x'.repeat(43)}`,
      html: `<p>${BODY.replaceAll(/\{\{[^}]+\}\}/g, `Société ${i}`).replaceAll('\n\n', '</p><p>')}</p><img src="https://track.example/t/o/${'y'.repeat(43)}.gif" width="1" height="1" alt="">`,
      messageId: `<${tag}-${i}@bench.example.com>`,
      headers: {
        'List-Unsubscribe': `<https://track.example/u/${'x'.repeat(43)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  };
  await Promise.all(
    Array.from({ length: DIRECT_IN_FLIGHT }, async () => {
      while (next < Number(count)) await sendOne(next++);
    }),
  );
  for (const transport of transports) transport.close();
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ started, cpuMs: (cpu.user + cpu.system) / 1000 }));
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
}

/** An SMTP server that only records when each recipient's message was accepted. */
async function startCountingSmtp() {
  const received = new Map<string, number>();
  let duplicates = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 1000,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        for (const rcpt of session.envelope.rcptTo) {
          if (received.has(rcpt.address)) duplicates++;
          else received.set(rcpt.address, Date.now());
        }
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    duplicates: () => duplicates,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One organisation, `MAILBOXES` mailboxes on the SMTP server, one paused 1-step campaign each. */
async function seedCampaigns(pool: Pool, smtpPort: number) {
  const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;
  const [org] = await q(`INSERT INTO iam_organisations (name, slug) VALUES ('Bench', 'bench') RETURNING id`, []);
  const campaigns = await q(
    `WITH mb AS (
       INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, reply_to, transport, smtp_host, smtp_port,
         smtp_secure, min_gap_seconds, daily_cap)
       SELECT $1, 'Claire ' || m, 'sender' || m || '@bench.example.com', 'replies' || m || '@bench.example.com',
         'smtp', '127.0.0.1', $2, false, 0, 1000000
       FROM generate_series(0, $3 - 1) m RETURNING id
     )
     INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, send_days, send_start_hour, send_end_hour,
       daily_cap, require_approval, open_tracking)
     SELECT $1, 'Bench ' || row_number() OVER (), 'paused', id, '{1,2,3,4,5,6,7}', 0, 24, 1000000, false, true FROM mb
     RETURNING id`,
    [org.id, smtpPort, MAILBOXES],
  );
  const steps = await q(
    `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, subject_template, body_template)
     SELECT $1, c, 0, 'Bonjour {{person.firstName}}', $3 FROM unnest($2::uuid[]) c RETURNING id, campaign_id`,
    [org.id, campaigns.map((c) => c.id), BODY],
  );
  const stepOf = new Map(steps.map((s) => [s.campaign_id as string, s.id as string]));
  return {
    organisationId: org.id as string,
    campaignIds: campaigns.map((c) => c.id as string),
    stepIds: campaigns.map((c) => stepOf.get(c.id)!),
  };
}

type Seeded = Awaited<ReturnType<typeof seedCampaigns>>;

/** Prospects `from..to-1` of batch `tag`, enrolled round-robin with a draft task due now, in one statement. */
async function enroll(pool: Pool, seeded: Seeded, tag: string, from: number, to: number): Promise<string[]> {
  await pool.query(
    `WITH g AS (
       SELECT i, gen_random_uuid() AS company_id, gen_random_uuid() AS person_id, gen_random_uuid() AS position_id,
              gen_random_uuid() AS enrollment_id
       FROM generate_series($5::int, $6::int - 1) i
     ), co AS (
       INSERT INTO crm_companies (id, organisation_id, name) SELECT company_id, $1, 'Société ' || $2 || '-' || i FROM g
     ), pe AS (
       INSERT INTO crm_people (id, organisation_id, first_name, last_name) SELECT person_id, $1, 'Prénom' || i, 'Nom' || i FROM g
     ), po AS (
       INSERT INTO crm_positions (id, organisation_id, company_id, person_id, email, job_title)
       SELECT position_id, $1, company_id, person_id, 'p' || $2 || '-' || i || '@prospects.example.fr', 'Gérant' FROM g
     ), en AS (
       INSERT INTO outreach_campaign_enrollments (id, organisation_id, campaign_id, position_id)
       SELECT enrollment_id, $1, ($3::uuid[])[1 + i % cardinality($3::uuid[])], position_id FROM g
     )
     INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT $1, enrollment_id, ($4::uuid[])[1 + i % cardinality($4::uuid[])], 'draft', now() FROM g`,
    [seeded.organisationId, tag, seeded.campaignIds, seeded.stepIds, from, to],
  );
  return Array.from({ length: to - from }, (_, k) => `p${tag}-${from + k}@prospects.example.fr`);
}

async function setCampaigns(pool: Pool, seeded: Seeded, status: 'running' | 'paused') {
  await pool.query(`UPDATE outreach_campaigns SET status = $2 WHERE organisation_id = $1`, [
    seeded.organisationId,
    status,
  ]);
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The worker's own query timings (db_query_duration_seconds), most expensive first. */
async function printQueryProfile(workerPort: number) {
  const text = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
  const totals = new Map<string, { seconds: number; count: number }>();
  const pattern = /^db_query_duration_seconds_(sum|count)\{[^}]*query="([^"]+)"[^}]*\} (\S+)$/gm;
  for (const [, kind, name, raw] of text.matchAll(pattern)) {
    const value = Number(raw);
    const entry = totals.get(name!) ?? { seconds: 0, count: 0 };
    if (kind === 'sum') entry.seconds += value;
    else entry.count += value;
    totals.set(name!, entry);
  }
  const rows = [...totals].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, 20);
  printTable(
    'worker queries by total time',
    rows.map(([query, t]) => ({
      query,
      calls: t.count,
      'total s': t.seconds.toFixed(2),
      'mean ms': ((t.seconds / t.count) * 1000).toFixed(2),
    })),
  );
  for (const line of text.split('\n').filter((l) => /^worker_job_duration_seconds_(sum|count)/.test(l)))
    console.log(line);
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)]!;
const median = (values: number[]) => percentile(values, 50);

async function main() {
  const env = benchEnv();
  const dbName = `prospectflow_bench_pipeline_${Date.now()}`;
  const url = withDatabaseName(env.DATABASE_URL, dbName);
  await ensureDatabase(url);
  await migrate(url);
  const pool = createPool({ connectionString: url, max: 4 });
  const vhost = await createTestVhost();
  const smtp = await startCountingSmtp();
  const seeded = await seedCampaigns(pool, smtp.port);
  const workerPort = await freePort();
  // The worker's production flags (apps/worker `start`: a larger young generation, ~7 % less CPU
  // per email in GC) and BENCH_WORKER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = [
    '--max-semi-space-size=64',
    ...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const worker = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/worker/src/main.ts'], {
    env: {
      ...process.env,
      MAILBOX_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATABASE_URL: url,
      RABBITMQ_URL: vhost.url,
      REDIS_URL: env.REDIS_URL,
      WORKER_PORT: String(workerPort),
      WORKER_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      TRACKING_BASE_URL: 'https://track.example',
      OUTREACH_SEND_CONCURRENCY: SEND_CONCURRENCY,
      OUTREACH_DRAFT_CONCURRENCY: DRAFT_CONCURRENCY,
      DATABASE_POOL_MAX: WORKER_POOL_MAX,
      ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  // Everything the bench created goes away even when a round fails or times out.
  try {
    await measure(pool, smtp, seeded, workerPort, worker.pid!);
  } finally {
    worker.kill('SIGTERM');
    await exited;
    await smtp.close();
    await pool.end();
    await vhost.drop();
    if (process.env.BENCH_KEEP_DB) console.log(`kept database ${dbName}`);
    else await dropDatabase(env.DATABASE_URL, dbName);
  }
}

async function measure(
  pool: Pool,
  smtp: Awaited<ReturnType<typeof startCountingSmtp>>,
  seeded: Seeded,
  workerPort: number,
  workerPid: number,
) {
  const ready = () =>
    fetch(`http://127.0.0.1:${workerPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
  for (let i = 0; !(await ready()); i++) {
    if (i > 300) throw new Error('worker did not become ready');
    await sleep(100);
  }

  const direct = async (tag: string, count: number) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/pipeline.ts', '--direct', String(smtp.port), String(count), tag],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const { started, cpuMs } = JSON.parse(out.trim().split('\n').pop()!) as { started: number; cpuMs: number };
    const last = Math.max(...[...smtp.received].filter(([to]) => to.startsWith(`d${tag}-`)).map(([, at]) => at));
    return { rate: count / ((last - started) / 1000), cpuMs: cpuMs / count };
  };
  // utime + stime of the worker process, in clock ticks (100 per second on Linux).
  const workerCpuMs = () => {
    const fields = readFileSync(`/proc/${workerPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const pipeline = async (tag: string, count: number) => {
    await setCampaigns(pool, seeded, 'paused');
    const recipients = await enroll(pool, seeded, tag, 0, count);
    // A database as a running one keeps it: planner statistics (a fresh one has none) and the
    // dead row versions of the previous rounds vacuumed (every email leaves ~8 in messages and
    // tasks). Autovacuum does both in production; it is off on the shared Postgres of our machines.
    await pool.query('VACUUM (ANALYZE)');
    const started = Date.now();
    const cpuBefore = workerCpuMs();
    await setCampaigns(pool, seeded, 'running');
    await waitFor(() => recipients.every((r) => smtp.received.has(r)), `round ${tag}`);
    const last = Math.max(...recipients.map((r) => smtp.received.get(r)!));
    return { rate: count / ((last - started) / 1000), cpuMs: (workerCpuMs() - cpuBefore) / count };
  };

  // Warm-up of both paths (JIT, pools, SMTP connections) outside the measurements.
  await direct('warm', 500);
  await pipeline('warm', 500);

  const rounds: { direct: number; pipeline: number; directCpu: number; pipelineCpu: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { rate: d, cpuMs: directCpu } = await direct(`r${round}`, PER_ROUND);
    const { rate: p, cpuMs: pipelineCpu } = await pipeline(`r${round}`, PER_ROUND);
    rounds.push({ direct: d, pipeline: p, directCpu, pipelineCpu });
    console.log(
      `round ${round}: direct ${Math.round(d)} msg/s, pipeline ${Math.round(p)} msg/s (${Math.round((p / d) * 100)} %)`,
    );
  }

  // Latency at a steady offered load: batches every 100 ms, enqueue time = commit of the batch.
  await setCampaigns(pool, seeded, 'running');
  const enqueuedAt = new Map<string, number>();
  const batch = Math.max(1, Math.round(PACED_RATE / 10));
  const start = Date.now();
  for (let n = 0; n < PACED_SECONDS * 10; n++) {
    const recipients = await enroll(pool, seeded, 'paced', n * batch, (n + 1) * batch);
    const at = Date.now();
    for (const r of recipients) enqueuedAt.set(r, at);
    await sleep(Math.max(0, start + (n + 1) * 100 - Date.now()));
  }
  await waitFor(() => [...enqueuedAt.keys()].every((r) => smtp.received.has(r)), 'paced messages');
  const latencies = [...enqueuedAt].map(([r, at]) => smtp.received.get(r)! - at);

  const directRates = rounds.map((r) => r.direct);
  const pipelineRates = rounds.map((r) => r.pipeline);
  printTable(
    `campaign pipeline, ${MAILBOXES} mailboxes × ${SMTP_CONNECTIONS_PER_MAILBOX} SMTP connections, ${PER_ROUND} messages per round`,
    [
      ...rounds.map((r, n) => ({
        round: n + 1,
        'direct msg/s': Math.round(r.direct),
        'pipeline msg/s': Math.round(r.pipeline),
        'pipeline / direct': `${Math.round((r.pipeline / r.direct) * 100)} %`,
        'sender CPU ms/msg (direct / worker)': `${r.directCpu.toFixed(2)} / ${r.pipelineCpu.toFixed(2)}`,
      })),
      {
        round: 'median',
        'direct msg/s': Math.round(median(directRates)),
        'pipeline msg/s': Math.round(median(pipelineRates)),
        'pipeline / direct': `${Math.round(median(rounds.map((r) => r.pipeline / r.direct)) * 100)} %`,
        'sender CPU ms/msg (direct / worker)': `${median(rounds.map((r) => r.directCpu)).toFixed(2)} / ${median(
          rounds.map((r) => r.pipelineCpu),
        ).toFixed(2)}`,
      },
    ],
  );
  console.log(
    `\nenqueue → received at ${PACED_RATE} msg/s offered for ${PACED_SECONDS} s: ` +
      `p50 ${median(latencies)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms`,
  );
  console.log(`duplicate deliveries: ${smtp.duplicates()}`);
  if (process.env.BENCH_PROFILE) await printQueryProfile(workerPort);
}

if (process.argv[2] === '--direct') await directSender(process.argv.slice(3));
else await main();
