import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, createChildLogger, timeOperation } from '../src/index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { logger, lines };
}

describe('logger', () => {
  it('redacts secrets at the top level, one level deep and in request headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: 'plain-token',
        password: 'hunter2',
        apiKey: 'pf_secret',
        user: { password: 'nested', email: 'a@b.c' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
      },
      'hello',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['plain-token', 'hunter2', 'pf_secret', 'nested', 'Bearer abc', 'sid=1'])
      expect(text).not.toContain(secret);
    expect(text).toContain('a@b.c');
    expect(text).toContain('json');
  });

  it('names the module on child loggers', () => {
    const { logger, lines } = capture();
    createChildLogger('Ingest', logger).info({ count: 2 }, 'ingest done');
    expect(lines[0]).toMatchObject({ module: 'Ingest', count: 2, msg: 'ingest done' });
  });
});

describe('timeOperation', () => {
  it('returns the result and logs the duration at debug', async () => {
    const { logger, lines } = capture();
    expect(await timeOperation(logger, 'fast', async () => 42)).toBe(42);
    expect(lines[0]).toMatchObject({ operation: 'fast', failed: false, level: 20 });
  });

  it('warns when the operation takes longer than a second and rethrows failures', async () => {
    const { logger, lines } = capture();
    await expect(
      timeOperation(logger, 'slow', () => new Promise((_, reject) => setTimeout(() => reject(new Error('x')), 1010))),
    ).rejects.toThrow('x');
    expect(lines[0]).toMatchObject({ operation: 'slow', failed: true, level: 40 });
  });
});
