import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// CI check (`pnpm lint`): no logger or console call may carry a plain token. Fails with file:line
// for every call whose arguments mention a token variable (`token`, `plainToken`, `rawToken`,
// `accessToken`, `req.params.token`…); hashes (`tokenHash`, `token_hash`) and message text are fine.
// A deliberate exception carries `check-token-logging: ignore` on the call's first line.

export interface Finding {
  file: string;
  line: number;
  call: string;
  identifier: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED_ROOTS = ['apps', 'packages'];
const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.nuxt',
  '.output',
  '.nitro',
  'dist',
  'coverage',
  'test',
  'tests',
]);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|vue)$/;
const TEST_FILE = /\.(?:test|spec|int\.test|e2e\.test)\.[cm]?[jt]s$/;
const IGNORE_MARKER = 'check-token-logging: ignore';

// `logger.info(`, `this.log.warn(`, `deps.logger.error(`, `console.log(`…
const LOG_CALL =
  /(?<![\w$])((?:[\w$]+\.)*(?:log|logger|[\w$]*Logger|[\w$]*Log)\.(?:info|warn|error|debug|trace|fatal)|console\.(?:log|info|warn|error|debug|trace))\s*\(/g;
// A name whose last word is "token(s)": token, plainToken, raw_token, accessToken, req.params.token.
const TOKEN_NAME = /^(?:[\w$]*[a-z0-9_$])?(?:Token|Tokens|_token|_tokens)$|^tokens?$/i;
// Functions about tokens that return no secret.
const ALLOWED_NAMES = new Set(['hashToken', 'isWellFormedToken']);

/** Every logger or console call in `source` whose arguments mention a plain-token identifier. */
export function findTokenLogging(source: string, file = '<source>'): Finding[] {
  const findings: Finding[] = [];
  const lines = source.split('\n');
  for (const match of source.matchAll(LOG_CALL)) {
    const open = match.index + match[0].length - 1;
    const args = argumentsText(source, open);
    const line = lineOf(source, match.index);
    if (lines[line - 1]?.includes(IGNORE_MARKER)) continue;
    const identifier = tokenIdentifiers(args)[0];
    if (identifier) findings.push({ file, line, call: match[1]!, identifier });
  }
  return findings;
}

/** The text between the parenthesis at `open` and its match, string contents blanked (template `${}` kept). */
export function argumentsText(source: string, open: number): string {
  let depth = 0;
  let out = '';
  for (let i = open; i < source.length; i++) {
    const char = source[i]!;
    if (char === "'" || char === '"') {
      i = skipString(source, i, char);
      out += '""';
      continue;
    }
    if (char === '`') {
      const { end, expressions } = templateExpressions(source, i);
      i = end;
      out += ` ${expressions} `;
      continue;
    }
    if (char === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i);
      if (i === -1) break;
      continue;
    }
    if (char === '(') depth++;
    if (char === ')' && --depth === 0) break;
    out += char;
  }
  return out.slice(1);
}

function skipString(source: string, start: number, quote: string): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote || source[i] === '\n') return i;
  }
  return source.length;
}

/** The `${…}` expressions of the template literal starting at `start`, and where it ends. */
function templateExpressions(source: string, start: number): { end: number; expressions: string } {
  let expressions = '';
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === '`') return { end: i, expressions };
    else if (source[i] === '$' && source[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < source.length; j++) {
        if (source[j] === '{') depth++;
        if (source[j] === '}' && --depth === 0) break;
      }
      expressions += ` ${source.slice(i + 2, j)} `;
      i = j;
    }
  }
  return { end: source.length, expressions };
}

function tokenIdentifiers(args: string): string[] {
  const names = args.match(/[A-Za-z_$][\w$]*/g) ?? [];
  return names.filter((name) => TOKEN_NAME.test(name) && !ALLOWED_NAMES.has(name));
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

async function* sourceFiles(directory: string): AsyncGenerator<string> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* sourceFiles(join(directory, entry.name));
    } else if (SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield join(directory, entry.name);
    }
  }
}

/** Scans the non-test sources under `roots` (relative to `root`). */
export async function scanSources(root = ROOT, roots = SCANNED_ROOTS): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const top of roots) {
    for await (const file of sourceFiles(join(root, top))) {
      findings.push(...findTokenLogging(await readFile(file, 'utf8'), relative(root, file)));
    }
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const findings = await scanSources();
  for (const f of findings) {
    console.error(`${f.file}:${f.line}: ${f.call}(…) mentions "${f.identifier}": never log a plain token`);
  }
  if (findings.length > 0) process.exit(1);
  console.log('check-token-logging: no logger call carries a plain token');
}
