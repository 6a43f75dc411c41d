// checkpoint_restore: "Restore to here" on an agent turn that touched 1,000 files (issue 17: <= 1 s). A fake turn
// captures 1,000 files of a few KB (mixed sizes, some in nested folders), then modifies most, deletes some and
// creates new ones; the figure is the time of CheckpointStore.restore putting them all back (which reads and hashes
// each file, records the undo checkpoint in SQLite, then writes atomically with fsync, or deletes). Baseline in the
// same run: writing the same 1,000 files' original bytes back with plain fs.writeFileSync (no checks, no fsync, no
// undo), on the same disk.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CheckpointStore } from '../apps/engine/src/agent/checkpoints.js';
import { openStore } from '../apps/engine/src/store/index.js';
import { median, percentile, progress, report, round } from './support/report.js';

const FILES = 1000;
const ROUNDS = 7;
const GOAL_MS = 1000;

const dir = mkdtempSync(join(tmpdir(), 'pa-bench-checkpoints-'));
const root = join(dir, 'workspace');
mkdirSync(root);
const store = openStore(join(dir, 'engine.db'));
const checkpoints = new CheckpointStore(store);

/** 1,000 paths, 10 per folder, 900 existing at the start (100 the turn creates). */
const paths = Array.from({ length: FILES }, (_, index) => `src/pkg${Math.floor(index / 10)}/file${index}.ts`);
const existing = paths.slice(0, 900);
const originals = new Map<string, Buffer>();
for (const [index, path] of existing.entries()) {
  // 1-8 KB, text-like with some random bytes so no two files dedupe
  const size = 1024 + ((index * 733) % 7168);
  const bytes = Buffer.concat([Buffer.from(`// file ${index}\n`), randomBytes(64), Buffer.alloc(size, 'x')]);
  originals.set(path, bytes);
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), bytes);
}

/** What the agent does in the turn: 800 files modified, 100 deleted, 100 created. */
function fakeTurn(turnNumber: number): number {
  const turn = checkpoints.begin(root, `turn-${turnNumber}`, `Bench turn ${turnNumber}`);
  turn.capture(paths);
  paths.forEach((path, index) => {
    const file = join(root, path);
    if (index < 800) writeFileSync(file, `// agent turn ${turnNumber}\n${readFileSync(file, 'utf8').slice(0, 2000)}`);
    else if (index < 900) unlinkSync(file);
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `export const created${index} = ${turnNumber};\n`);
    }
  });
  turn.finish();
  return turn.id;
}

/** Puts the workspace back as it started with plain writes (and deletes the created files): the baseline. */
function plainRestore(): void {
  for (const [path, bytes] of originals) writeFileSync(join(root, path), bytes);
  for (const path of paths.slice(900)) unlinkSync(join(root, path));
}

function verify(): void {
  for (const [path, bytes] of originals) {
    if (!readFileSync(join(root, path)).equals(bytes)) throw new Error(`restore left ${path} different`);
  }
}

const restoreMs: number[] = [];
const plainMs: number[] = [];
try {
  fakeTurn(0);
  plainRestore(); // warm-up of both paths
  checkpoints.restore(fakeTurn(0));
  verify();
  for (let index = 1; index <= ROUNDS; index++) {
    const id = fakeTurn(index);
    const started = performance.now();
    const result = checkpoints.restore(id);
    restoreMs.push(performance.now() - started);
    if (result.restored.length !== FILES || result.conflicts.length > 0) {
      throw new Error(`restore put back ${result.restored.length} files with ${result.conflicts.length} conflicts`);
    }
    verify();
    fakeTurn(index);
    const plainStarted = performance.now();
    plainRestore();
    plainMs.push(performance.now() - plainStarted);
    verify();
    progress(
      `round ${index}: restore ${restoreMs.at(-1)?.toFixed(1)} ms, plain writes ${plainMs.at(-1)?.toFixed(1)} ms`,
    );
  }
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

const value = median(restoreMs);
const baseline = median(plainMs);
report({
  name: 'checkpoint_restore',
  value: round(value, 1),
  unit: 'ms',
  baseline: round(baseline, 1),
  ratio: round(value / baseline, 2),
  goal: `restore of ${FILES} touched files <= ${GOAL_MS} ms (issue 17)`,
  pass: value <= GOAL_MS,
  files: FILES,
  modified: 800,
  deleted: 100,
  created: 100,
  rounds: ROUNDS,
  p95_ms: round(percentile(restoreMs, 95), 1),
  plain_write_p95_ms: round(percentile(plainMs, 95), 1),
});
