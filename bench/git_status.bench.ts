// git_status: git.status of a repository with 50,000 files and 1,000 changes through the engine (WebSocket, the
// untrusted path: the hardening flags and the filter-driver lookup included), against `git status --porcelain=v2`
// alone with the same scan (-z --branch --untracked-files=all) spawned from this process, in paired rounds whose
// order alternates. Goal (issue 13): ratio <= 1.2. The repository is made once under os.tmpdir() and reused.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startEngine } from '../tests/support/engine.js';
import { median, progress, report, round } from './support/report.js';

const FILES = 50_000;
const CHANGES = 1_000;
const PER_DIR = 100;
const ROUNDS = 15;
const run = promisify(execFile);

const repo = join(tmpdir(), `pa-bench-git-status-${FILES}-${CHANGES}`);
const ready = join(repo, '.git', 'pa-bench-ready');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

if (!existsSync(ready)) {
  progress(`making ${repo} (${FILES} files, once)`);
  rmSync(repo, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const dir = join(repo, `pkg${Math.floor(i / PER_DIR)}`);
    if (i % PER_DIR === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file${i}.ts`), `export const value${i} = ${i};\n`);
  }
  execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q'], { cwd: repo, env });
  execFileSync('git', ['add', '-A'], { cwd: repo, env });
  execFileSync('git', ['commit', '-qm', 'files'], { cwd: repo, env });
  // 1,000 changes: modified, deleted and untracked files spread through the tree
  for (let i = 0; i < CHANGES; i++) {
    const n = i * Math.floor(FILES / CHANGES);
    const path = join(repo, `pkg${Math.floor(n / PER_DIR)}`, `file${n}.ts`);
    if (i % 10 === 0) rmSync(path);
    else if (i % 10 === 1) writeFileSync(join(repo, `pkg${Math.floor(n / PER_DIR)}`, `new${n}.ts`), 'new\n');
    else writeFileSync(path, `export const value${n} = ${-n};\n`);
  }
  execFileSync('git', ['status', '-z'], { cwd: repo, env }); // refresh the index once, as any later status would
  writeFileSync(ready, '');
}

const engine = await startEngine({ workspace: repo });
const client = await engine.connect();
const viaEngine = async () => {
  const status = await client.call('git.status', {});
  if (!status.repository || status.changes.length !== CHANGES) throw new Error('unexpected status');
};
const bare = () =>
  run('git', ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all'], {
    cwd: repo,
    maxBuffer: 64 * 1024 * 1024,
  });
const time = async (work: () => Promise<unknown>) => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

// loads the git capability; the index is refreshed by whichever status comes first, as in use
for (let i = 0; i < 3; i++) {
  await viaEngine();
  await bare();
}
const engineMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  if (i % 2 === 0) {
    engineMs.push(await time(viaEngine));
    bareMs.push(await time(bare));
  } else {
    bareMs.push(await time(bare));
    engineMs.push(await time(viaEngine));
  }
  progress(`round ${i + 1}: engine ${engineMs.at(-1)?.toFixed(1)} ms, git alone ${bareMs.at(-1)?.toFixed(1)} ms`);
}
client.close();
await engine.stop();

const value = median(engineMs);
const baseline = median(bareMs);
// the median of each round's ratio: both sides of a round ran under the same load (two shared cores)
const ratio = median(engineMs.map((ms, i) => ms / (bareMs[i] ?? ms)));
report({
  name: 'git_status',
  value: round(value, 1),
  unit: 'ms',
  baseline: round(baseline, 1),
  ratio: round(ratio),
  goal: 'ratio <= 1.2',
  pass: ratio <= 1.2,
  files: FILES,
  changes: CHANGES,
  rounds: ROUNDS,
  ratio_of_medians: round(value / baseline),
});
