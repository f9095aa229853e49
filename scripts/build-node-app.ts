import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

// Production build of a Node app (apps/api, apps/worker): one ESM file, dist/main.js, run with
// plain `node` instead of the tsx loader (no TypeScript compiled at start-up: ~30 MB less RSS).
// - The @prospectflow/* workspace packages export TypeScript sources, so they are bundled.
// - npm packages stay external. pnpm only links an app's *direct* dependencies into
//   apps/<app>/node_modules, so a package imported by a workspace package (pg by packages/db)
//   would not be found from dist/main.js: dist/node_modules/<name> is a relative symlink to the
//   package its importer resolves, and Node's own resolution (exports, conditions) does the rest.
// - `import.meta.url` in bundled files keeps pointing at the source file (e.g. packages/db's
//   migrations directory), so relative paths behave as under tsx. The repository tree must
//   therefore be present at run time, as it is in the Docker image.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACE_PREFIX = '@prospectflow/';
// Packages loaded by name at run time rather than imported, with the workspace package whose
// node_modules holds them: pino resolves a transport target from the calling file (the bundle).
const LOADED_BY_NAME = [{ name: 'pino-pretty', from: 'packages/observability' }];

export interface BuildResult {
  outfile: string;
  externalPackages: string[];
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Directory of `name` as Node finds it from `fromFile` (the symlink pnpm made, not its target). */
function packageDirFrom(name: string, fromFile: string): string | undefined {
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function workspaceAndExternals(outdir: string, externals: Map<string, string>, specifiers: Set<string>): Plugin {
  return {
    name: 'prospectflow-node-app',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith(WORKSPACE_PREFIX)) {
          // Workspace packages: their TypeScript entry, bundled.
          return { path: createRequire(args.importer).resolve(args.path) };
        }
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        const dir = packageDirFrom(name, args.importer);
        if (!dir) return { errors: [{ text: `cannot resolve "${name}" from ${relative(ROOT, args.importer)}` }] };
        const previous = externals.get(name);
        if (previous && realpathSync(previous) !== realpathSync(dir)) {
          return {
            errors: [{ text: `two versions of "${name}" are imported (${previous} and ${dir}); align them` }],
          };
        }
        externals.set(name, dir);
        specifiers.add(args.path);
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBundle = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
          ),
          loader: 'ts',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** Bundles `<appDir>/src/main.ts` into `<appDir>/dist/main.js` (+ source map). */
export async function buildNodeApp(appDir: string): Promise<BuildResult> {
  const absoluteAppDir = resolve(appDir);
  const outdir = join(absoluteAppDir, 'dist');
  const outfile = join(outdir, 'main.js');
  rmSync(outdir, { recursive: true, force: true });
  const externals = new Map<string, string>();
  const specifiers = new Set<string>();
  await build({
    entryPoints: [join(absoluteAppDir, 'src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    logLevel: 'warning',
    legalComments: 'none',
    plugins: [workspaceAndExternals(outdir, externals, specifiers)],
  });

  for (const { name, from } of LOADED_BY_NAME) {
    // A devDependency: absent from a production-only install, where LOG_PRETTY stays off.
    const dir = packageDirFrom(name, join(ROOT, from, 'package.json'));
    if (dir) externals.set(name, dir);
  }
  const modules = join(outdir, 'node_modules');
  for (const [name, dir] of externals) {
    const found = packageDirFrom(name, outfile);
    if (found && realpathSync(found) === realpathSync(dir)) continue;
    const link = join(modules, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), dir), link, 'dir');
  }
  assertResolvableFrom(outfile, [...specifiers]);
  return { outfile, externalPackages: [...externals.keys()].sort() };
}

/** Fails the build if Node cannot resolve an external import from the bundle (nothing is run). */
function assertResolvableFrom(outfile: string, specifiers: string[]): void {
  const check =
    `const parent = ${JSON.stringify(pathToFileURL(outfile).href)};` +
    `for (const s of ${JSON.stringify(specifiers)}) import.meta.resolve(s, parent);`;
  execFileSync(
    process.execPath,
    ['--no-warnings', '--experimental-import-meta-resolve', '--input-type=module', '-e', check],
    {
      stdio: 'inherit',
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const apps = process.argv.slice(2);
  if (apps.length === 0) {
    console.error('usage: node --import tsx scripts/build-node-app.ts <app dir>...  (e.g. apps/api)');
    process.exit(2);
  }
  for (const app of apps) {
    const started = performance.now();
    const { outfile, externalPackages } = await buildNodeApp(app);
    console.log(
      `built ${relative(process.cwd(), outfile)} in ${Math.round(performance.now() - started)} ms ` +
        `(external: ${externalPackages.join(', ')})`,
    );
  }
}
