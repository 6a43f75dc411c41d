import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, one run. Unit tests (beside their sources) share a worker's module cache from file to file
// (`isolate: false`): a fresh process and a fresh import of zod, @pa/shared and the rest for each of ~150 small files
// cost more than their tests (about 0.5 s a file on this 2-core machine, three times the run of the files themselves).
// Vitest still restores spies and resets `vi` config between files; each test file is its own module, so its
// top-level `let`s are its own. A unit file that swaps a module (vi.mock, vi.doMock, vi.hoisted, vi.resetModules) or
// picks another environment (`@vitest-environment`) would leak that into the files after it, so such files are
// found by reading them and run isolated, with the integration tests (each starts real engines and processes: the
// isolation costs little next to that, and keeps one file's engine, env and handles from the next).
const repo = dirname(fileURLToPath(import.meta.url));
const unitInclude = ['packages/*/src/**/*.test.{ts,tsx}', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'];
const NEEDS_ISOLATION = /\bvi\.(mock|doMock|unmock|doUnmock|hoisted|resetModules)\(|@vitest-environment/;

/** The files `unitInclude` names, repo-relative. */
function unitTestFiles(): string[] {
  const below = (folder: string, name: RegExp) =>
    existsSync(join(repo, folder))
      ? readdirSync(join(repo, folder), { recursive: true, encoding: 'utf8' })
          .filter((entry) => name.test(entry) && !entry.split(sep).includes('node_modules'))
          .map((entry) => `${folder}/${entry.split(sep).join('/')}`)
      : [];
  const sources = (top: string) => readdirSync(join(repo, top)).map((name) => `${top}/${name}/src`);
  return [
    ...sources('packages').flatMap((folder) => below(folder, /\.test\.tsx?$/)),
    ...sources('apps').flatMap((folder) => below(folder, /\.test\.ts$/)),
    ...below('scripts', /\.test\.ts$/),
  ];
}

const isolatedUnitFiles = unitTestFiles().filter((path) =>
  NEEDS_ISOLATION.test(readFileSync(join(repo, path), 'utf8')),
);

// One worker per core, not Vitest's default of one fewer: most of the run is integration tests waiting on the engines,
// relays and servers they start (on this 2-core machine the default's single worker ran the files one after another
// in 7.8 min; two workers ran the same 2,123 tests in 4.6 min).
const workers = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: workers,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: unitInclude,
          exclude: [...configDefaults.exclude, ...isolatedUnitFiles],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ['tests/integration/**/*.test.ts', ...isolatedUnitFiles], isolate: true },
      },
    ],
  },
});
