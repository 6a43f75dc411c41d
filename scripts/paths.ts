// Repository paths for scripts, benchmarks and tests.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const engineMain = join(repoRoot, 'apps/engine/dist/main.js');
export const engineCli = join(repoRoot, 'apps/engine/dist/cli.js');
// the test build (scripts/build.mjs engine-test): the same engine, trusting a test vendor key; never shipped
export const testEngineMain = join(repoRoot, 'apps/engine/dist-test/main.js');
export const testEngineCli = join(repoRoot, 'apps/engine/dist-test/cli.js');
export const uiDist = join(repoRoot, 'packages/ui/dist');
