// Bundles each process entry with esbuild (dependencies stay external, natives must load from node_modules; the
// engine bundles zod) and builds the UI with Vite. `tsc -b` type-checks everything: before this runs, or with
// --typecheck meanwhile.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const depsOf = (dir) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
};

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const esm = {
  ...node,
  format: 'esm',
  // bundled CommonJS dependencies may call require(); give ESM output one
  banner: {
    js: "import { createRequire as __paCreateRequire } from 'node:module'; const require = __paCreateRequire(import.meta.url);",
  },
};

// The test build swaps the engine's vendor-key module for one that trusts the key a test names in its environment;
// the shipped bundle (apps/engine/dist) has no such path (see apps/engine/src/license/public-key.ts).
const shippedKeyModule = join(root, 'apps/engine/src/license/public-key.ts');
const testKeyModule = join(root, 'tests/support/test-build/public-key.ts');
const testVendorKey = {
  name: 'test-vendor-key',
  setup(build) {
    build.onResolve({ filter: /public-key\.js$/ }, (args) => {
      if (args.importer === testKeyModule) return undefined;
      const resolved = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return resolved === shippedKeyModule ? { path: testKeyModule } : undefined;
    });
  },
};
// CommonJS-only dependencies are loaded with require() instead of import: Node's ESM loader parses a CommonJS module
// to find its named exports (cjs-module-lexer), which costs 10–40 ms a package on the engine's start path. They stay
// external; packages that ship an ESM build of their own (yjs, chokidar…) keep being imported, so no package is
// loaded twice.
const COMMONJS_ONLY = ['better-sqlite3', 'commander', 'ignore', 'tweetnacl', 'typescript', 'ws'];
const requireCommonJs = {
  name: 'require-commonjs',
  setup(build) {
    const filter = new RegExp(`^(${COMMONJS_ONLY.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'require-commonjs'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'require-commonjs' },
    );
    build.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
// zod is pure JavaScript in some sixty ES modules that every request's validation needs: bundled, it is read as one
// file instead of resolved and loaded module by module at start. (zod 4 schemas work across copies, so the SDKs that
// bring their own zod still accept ours.)
const BUNDLED = ['zod'];
// zod's namespace re-exports its error messages in 50 languages (`z.locales`), and esbuild keeps a namespace object
// whole: 366 KB of the engine's 1.1 MB start path, for messages only English ever shows (zod's default, `en`,
// which its schemas import themselves). The engine bundle gets a `locales` with `en` alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// Code splitting: what the engine loads with import() (workflow, collab, the engine itself for `pa`) lands in
// chunk files beside the entries and is evaluated only when first imported (engine_cold_start). Chunks of earlier
// builds are removed once the new ones are written.
const engineBundle = async (outdir, plugins = []) => {
  const result = await esbuild({
    ...esm,
    // the language and codebase capabilities' worker threads are loaded by their file names (language/index.ts,
    // codebase/index.ts, codebase/embed/lane.ts), so each is an entry
    entryPoints: {
      main: 'apps/engine/src/main.ts',
      cli: 'apps/engine/src/cli.ts',
      'language-worker': 'apps/engine/src/language/worker.ts',
      'codebase-worker': 'apps/engine/src/codebase/worker.ts',
      'codebase-embed-worker': 'apps/engine/src/codebase/embed/lane-worker.ts',
    },
    outdir,
    splitting: true,
    metafile: true,
    external: depsOf('apps/engine').filter((name) => !BUNDLED.includes(name)),
    banner: { js: `#!/usr/bin/env node\n${esm.banner.js}` },
    plugins: [requireCommonJs, zodEnglishOnly, ...plugins],
  });
  const written = new Set(Object.keys(result.metafile.outputs).map((file) => resolve(file)));
  for (const name of readdirSync(outdir)) {
    if (!written.has(resolve(outdir, name))) rmSync(resolve(outdir, name));
  }
};

// The relay's operator console is a static page served by the relay itself (apps/relay/src/console): its files and
// uPlot's go beside the bundle, in apps/relay/dist/console/, where the relay reads them at start.
const copyRelayConsole = async () => {
  const to = join(root, 'apps/relay/dist/console');
  mkdirSync(to, { recursive: true });
  const from = join(root, 'apps/relay/src/console/static');
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
  const uplot = dirname(createRequire(join(root, 'apps/relay/package.json')).resolve('uplot'));
  for (const name of ['uPlot.iife.min.js', 'uPlot.min.css']) copyFileSync(join(uplot, name), join(to, name));
};

const args = process.argv.slice(2);
const only = args.find((arg) => !arg.startsWith('--'));
// --typecheck (npm run build): `tsc -b` checks the repository meanwhile, in its own process. Neither needs the other
// (the bundlers read the sources; tsc writes only .tsbuild folders) and both are mostly one thread, so on two cores
// the build takes the longer of the two instead of their sum. The build fails if either does.
const typecheck = args.includes('--typecheck');
const jobs = {
  engine: () => engineBundle('apps/engine/dist'),
  'engine-test': () => engineBundle('apps/engine/dist-test', [testVendorKey]),
  relay: () =>
    Promise.all([
      esbuild({
        ...esm,
        entryPoints: { main: 'apps/relay/src/main.ts' },
        outdir: 'apps/relay/dist',
        external: depsOf('apps/relay'),
      }),
      copyRelayConsole(),
    ]),
  // Electron loads CommonJS; the sandboxed preload may require only `electron`, so it bundles everything else
  // and is built for the browser platform (a stray node: import fails the build instead of the window).
  desktop: () =>
    Promise.all([
      esbuild({
        ...node,
        format: 'cjs',
        entryPoints: { main: 'apps/desktop/src/main/main.ts' },
        outdir: 'apps/desktop/dist',
        outExtension: { '.js': '.cjs' },
        external: ['electron'],
      }),
      esbuild({
        ...node,
        platform: 'browser',
        target: 'chrome130',
        format: 'cjs',
        minify: true,
        entryPoints: { preload: 'apps/desktop/src/preload/preload.ts' },
        outdir: 'apps/desktop/dist',
        outExtension: { '.js': '.cjs' },
        external: ['electron'],
        // every window evaluates the preload before its page: zod's English messages only, as in the engine
        plugins: [zodEnglishOnly],
      }),
    ]),
  ui: () => viteBuild({ configFile: join(root, 'packages/ui/vite.config.ts'), logLevel: 'warn' }),
};

const started = Date.now();
// The jobs are independent: esbuild's bundles are built in its own (multi-threaded) service while Vite, mostly on
// one thread, builds the UI, instead of one after the other.
const typechecked = typecheck ? typeCheck() : Promise.resolve(true);
try {
  await Promise.all(
    Object.entries(jobs)
      .filter(([name]) => !only || only === name)
      .map(([, job]) => job()),
  );
} finally {
  if (!(await typechecked)) {
    process.stderr.write('build: tsc -b found errors\n');
    process.exitCode = 1;
  }
}
process.stderr.write(`build: done in ${Date.now() - started} ms\n`);

/** Runs `tsc -b` over the repository (tsconfig.json's references), its output passed through; true when it passes. */
function typeCheck() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((done) => {
    const child = spawn(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}
