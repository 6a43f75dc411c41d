// Bundles each process entry with esbuild (dependencies stay external: natives must load from node_modules) and
// builds the UI with Vite. `tsc -b` has type-checked everything before this runs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
const engineBundle = (outdir, plugins = []) =>
  esbuild({
    ...esm,
    entryPoints: { main: 'apps/engine/src/main.ts', cli: 'apps/engine/src/cli.ts' },
    outdir,
    external: depsOf('apps/engine'),
    banner: { js: `#!/usr/bin/env node\n${esm.banner.js}` },
    plugins,
  });

const only = process.argv[2];
const jobs = {
  engine: () => engineBundle('apps/engine/dist'),
  'engine-test': () => engineBundle('apps/engine/dist-test', [testVendorKey]),
  relay: () =>
    esbuild({
      ...esm,
      entryPoints: { main: 'apps/relay/src/main.ts' },
      outdir: 'apps/relay/dist',
      external: depsOf('apps/relay'),
    }),
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
      }),
    ]),
  ui: () => viteBuild({ configFile: join(root, 'packages/ui/vite.config.ts'), logLevel: 'warn' }),
};

const started = Date.now();
for (const [name, job] of Object.entries(jobs)) {
  if (only && only !== name) continue;
  await job();
}
process.stderr.write(`build: done in ${Date.now() - started} ms\n`);
