import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { LlmRetryableError, LlmTerminalError, createLlmClient, draftTask, manualClock } from '@prospectflow/outreach';
import { seedCampaign } from './support/outreach-fixtures.js';

type Reply = { status: number; body?: unknown; delayMs?: number; headers?: Record<string, string> };

/** A local OpenAI-compatible endpoint answering from a script; records the requests it got. */
function startLlmStub() {
  const script: Reply[] = [];
  const requests: { authorization?: string; body: { model: string; messages: { role: string; content: string }[] } }[] =
    [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
      const reply = script.shift() ?? { status: 500 };
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      }, reply.delayMs ?? 0);
    });
  });
  return { server, script, requests };
}
const answer = (content: string): Reply => ({
  status: 200,
  body: { choices: [{ message: { role: 'assistant', content } }] },
});

describe('LLM drafting against a local OpenAI-compatible stub', () => {
  const stub = startLlmStub();
  let baseUrl = '';
  let db: TestDatabase;
  const client = () => createLlmClient({ baseUrl, apiKey: 'sk-test', model: 'stub-1', timeoutMs: 300, backoffMs: 20 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(stub.server.address() as { port: number }).port}/v1`;
    db = await createTestDatabase(inject('templateDatabase'));
  });
  afterAll(async () => {
    stub.server.close();
    await db?.drop();
  });

  it('returns the first choice and sends the model, messages and bearer key', async () => {
    stub.script.push(answer('hello'));
    expect(await client().complete([{ role: 'user', content: 'hi' }])).toBe('hello');
    expect(stub.requests.at(-1)).toMatchObject({
      authorization: 'Bearer sk-test',
      body: { model: 'stub-1', messages: [{ role: 'user', content: 'hi' }] },
    });
  });

  it('retries a 429 (and a 503) with back-off, then succeeds', async () => {
    const before = stub.requests.length;
    stub.script.push({ status: 429, headers: { 'retry-after': '0' } }, { status: 503 }, answer('after retries'));
    expect(await client().complete([{ role: 'user', content: 'x' }])).toBe('after retries');
    expect(stub.requests.length - before).toBe(3);
  });

  it('treats a 400 as terminal without retrying', async () => {
    const before = stub.requests.length;
    stub.script.push({ status: 400, body: { error: { message: 'bad model' } } });
    await expect(client().complete([{ role: 'user', content: 'x' }])).rejects.toBeInstanceOf(LlmTerminalError);
    expect(stub.requests.length - before).toBe(1);
  });

  it('times out slow answers and gives up as retryable after the last attempt', async () => {
    stub.script.push(
      { ...answer('late'), delayMs: 1000 },
      { ...answer('late'), delayMs: 1000 },
      { ...answer('late'), delayMs: 1000 },
    );
    const error = await client()
      .complete([{ role: 'user', content: 'x' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRetryableError);
    expect((error as Error).message).toMatch(/timed out/);
  });

  it('drafts a prompt step through the LLM with the prospect in the prompt', async () => {
    const clock = manualClock();
    const seeded = await seedCampaign(db.pool, {
      smtpPort: 2525,
      prospects: [{ firstName: 'Amélie', lastName: 'Lefèvre', company: 'Atelier Lefèvre', jobTitle: 'Gérante' }],
      requireApproval: true,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    const [prompt] = (
      await db.pool.query(
        `INSERT INTO outreach_prompts (organisation_id, name, system_prompt, user_prompt)
         VALUES ($1, 'intro', 'Tu écris pour {{sender.name}}.', 'Écris à {{person.firstName}} de {{company.name}}.') RETURNING id`,
        [seeded.organisationId],
      )
    ).rows;
    await db.pool.query(`UPDATE outreach_workflow_steps SET prompt_id = $2, body_template = NULL WHERE id = $1`, [
      seeded.stepIds[0],
      prompt.id,
    ]);
    const task = (
      await db.pool.query(`UPDATE outreach_tasks SET status = 'claimed' WHERE organisation_id = $1 RETURNING id`, [
        seeded.organisationId,
      ])
    ).rows[0];
    stub.script.push(answer('{"subject": "Atelier Lefèvre & nous", "body": "Bonjour Amélie,\\n\\nÀ bientôt <3"}'));
    const result = await draftTask(
      { pool: db.pool, clock, llm: client() },
      { organisationId: seeded.organisationId, taskId: task.id },
    );
    expect(result).toMatchObject({ outcome: 'drafted', status: 'draft' });
    const sent = stub.requests.at(-1)!.body.messages;
    expect(sent[0]!.content).toContain('Tu écris pour Claire Martin.');
    expect(sent[1]!.content).toBe('Écris à Amélie de Atelier Lefèvre.');
    const message = (
      await db.pool.query(
        `SELECT subject, body_text, body_html, status FROM outreach_messages WHERE organisation_id = $1`,
        [seeded.organisationId],
      )
    ).rows;
    expect(message).toEqual([
      {
        subject: 'Atelier Lefèvre & nous',
        body_text: 'Bonjour Amélie,\n\nÀ bientôt <3',
        body_html: '<p>Bonjour Amélie,</p>\n<p>À bientôt &lt;3</p>',
        status: 'draft',
      },
    ]);
    // Redelivered: the task is done, nothing is drafted twice.
    expect(
      await draftTask(
        { pool: db.pool, clock, llm: client() },
        { organisationId: seeded.organisationId, taskId: task.id },
      ),
    ).toMatchObject({
      outcome: 'skipped',
    });
  });
});
