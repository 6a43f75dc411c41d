// `pa` as npm installs it: the command npm links at `npm ci` (before anything is built) runs the built CLI, so
// `npx pa …` works in a checkout after `npm ci && npm run build`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../apps/engine/src/version.js';
import { repoRoot } from '../../scripts/paths.js';

const linked = join(repoRoot, 'node_modules/.bin/pa');

describe('the pa command npm links', () => {
  it('is an executable launcher that exists before the build, and prints the version', () => {
    expect(realpathSync(linked)).toBe(join(repoRoot, 'apps/engine/bin/pa.js'));
    accessSync(linked, constants.X_OK);
    const run = spawnSync(linked, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(VERSION);
    expect(run.status).toBe(0);
  });
});
