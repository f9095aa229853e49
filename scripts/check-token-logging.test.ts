import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTokenLogging, scanSources } from './check-token-logging.js';

describe('check-token-logging', () => {
  it('flags logger and console calls whose arguments carry a plain token, with the line', () => {
    const source = [
      "import { hashToken } from './tokens.js';",
      "log.info({ jobId, token }, 'lead-magnet email sent');",
      'console.log(`confirm link ${plainToken}`);',
      'deps.logger.warn(',
      '  { subscriberId,',
      '    link: rawToken },',
      "  'resend');",
      "event.context.log.error({ path: req.params.token }, 'confirm failed');",
    ].join('\n');
    expect(findTokenLogging(source, 'bad.ts')).toEqual([
      { file: 'bad.ts', line: 2, call: 'log.info', identifier: 'token' },
      { file: 'bad.ts', line: 3, call: 'console.log', identifier: 'plainToken' },
      { file: 'bad.ts', line: 4, call: 'deps.logger.warn', identifier: 'rawToken' },
      { file: 'bad.ts', line: 8, call: 'event.context.log.error', identifier: 'token' },
    ]);
  });

  it('passes hashes, ids, token words inside messages, unrelated calls and marked exceptions', () => {
    const source = [
      "log.info({ tokenHash, token_hash: row.token_hash, tokenId }, 'token consumed');",
      'logger.warn({ hash: hashToken(secret) }, "the token\'s owner unsubscribed");',
      "this.log.debug({ queue }, 'job done');",
      'const token = generateToken();',
      'await sendEmail(renderLeadMagnetEmail(kind, to, buildEmailLinks(base, token)));',
      "log.info({ token: redact(token) }, 'redacted'); // check-token-logging: ignore",
    ].join('\n');
    expect(findTokenLogging(source)).toEqual([]);
  });

  describe('scanning a tree', () => {
    let root: string;
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('reports file:line in sources and skips tests and node_modules', async () => {
      root = await mkdtemp(join(tmpdir(), 'pf-token-logging-'));
      await mkdir(join(root, 'apps/web/server'), { recursive: true });
      await mkdir(join(root, 'apps/web/test'), { recursive: true });
      await mkdir(join(root, 'packages/x/node_modules/dep'), { recursive: true });
      await writeFile(join(root, 'apps/web/server/ok.ts'), "log.info({ id }, 'fine');\n");
      await writeFile(join(root, 'apps/web/server/leak.ts'), "\n\nlogger.info({ token }, 'sent');\n");
      await writeFile(join(root, 'apps/web/server/leak.test.ts'), "log.info({ token }, 'test');\n");
      await writeFile(join(root, 'apps/web/test/helper.ts'), "log.info({ token }, 'test helper');\n");
      await writeFile(join(root, 'packages/x/node_modules/dep/index.js'), 'console.log(token);\n');
      expect(await scanSources(root, ['apps', 'packages'])).toEqual([
        { file: join('apps/web/server/leak.ts'), line: 3, call: 'logger.info', identifier: 'token' },
      ]);
    });
  });
});
