// find_in_files: a literal and a regex search over the checkout's own node_modules (tens of thousands of files),
// through the built engine's search.text stream read by a client over the WebSocket, to the complete result set,
// paired in each round with `rg` run directly with the very same arguments (ripgrepArgs of the same plan), its
// output read to the end. Goal (issue 13): ≤ 1.3× rg (median of the rounds' ratios), first result ≤ 50 ms.
// rg's own first output in the same rounds is reported beside the first result (what it cannot beat). The rounds
// start once the engine has settled after opening the folder (its watcher's first walk done).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SEARCH_MAX_RESULTS_CAP, SearchTextParams } from '@pa/shared';
import { planSearch } from '../apps/engine/src/search/plan.js';
import { findRipgrep, ripgrepArgs } from '../apps/engine/src/search/ripgrep.js';
import { repoRoot } from '../scripts/paths.js';
import { startEngine } from '../tests/support/engine.js';
import { median, progress, report, round } from './support/report.js';
import { settled } from './support/settled.js';

const ROUNDS = 7;
const root = join(repoRoot, 'node_modules');
const QUERIES = {
  literal: { pattern: 'Deprecated', matchCase: true },
  regex: { pattern: 'function\\s+\\w+Sync\\(', isRegex: true, matchCase: true },
} as const;

const rg = findRipgrep();
if (!rg) throw new Error('find_in_files needs ripgrep (rg) installed.');

/** rg alone, with the arguments the engine would pass: milliseconds to its first output and to its exit. */
function bareRipgrep(args: string[]): Promise<{ ms: number; first: number }> {
  const started = performance.now();
  let first = Number.NaN;
  return new Promise((resolve, reject) => {
    const child = spawn(rg as string, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', () => {
      if (Number.isNaN(first)) first = performance.now() - started;
    });
    child.once('error', reject);
    child.once('close', () => resolve({ ms: performance.now() - started, first }));
  });
}

const engine = await startEngine({ workspace: root });
const client = await engine.connect();
// steady state: the workspace watcher's first walk of node_modules (every folder unignored here, since it is the
// workspace itself) takes the engine seconds of CPU after it opens; searches are measured once it is done
await settled(engine.process.pid as number);

async function viaEngine(query: (typeof QUERIES)[keyof typeof QUERIES]) {
  const started = performance.now();
  let first = Number.NaN;
  let matches = 0;
  const stream = client.stream('search.text', { ...query, engine: 'ripgrep', maxResults: SEARCH_MAX_RESULTS_CAP });
  for await (const item of stream) {
    if (Number.isNaN(first)) first = performance.now() - started;
    matches += item.matches.length;
  }
  const result = await stream.result;
  return { ms: performance.now() - started, first, matches, files: result.files };
}

try {
  for (const [kind, query] of Object.entries(QUERIES)) {
    const args = ripgrepArgs(planSearch(root, SearchTextParams.parse(query)));
    await viaEngine(query); // warm: the file cache, the engine's lazy search capability
    await bareRipgrep(args);
    const engineMs: number[] = [];
    const rgMs: number[] = [];
    const firstMs: number[] = [];
    const rgFirstMs: number[] = [];
    let found = { matches: 0, files: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      // alternate which goes first, so neither always meets the other's leftovers
      const run = async () => {
        const answer = await viaEngine(query);
        engineMs.push(answer.ms);
        firstMs.push(answer.first);
        found = answer;
      };
      const bare = async () => {
        const answer = await bareRipgrep(args);
        rgMs.push(answer.ms);
        rgFirstMs.push(answer.first);
      };
      if (i % 2 === 0) {
        await run();
        await bare();
      } else {
        await bare();
        await run();
      }
      progress(
        `${kind} round ${i + 1}: engine ${engineMs.at(-1)?.toFixed(1)} ms (first ${firstMs.at(-1)?.toFixed(1)} ms), rg ${rgMs.at(-1)?.toFixed(1)} ms (first ${rgFirstMs.at(-1)?.toFixed(1)} ms)`,
      );
    }
    const ratio = median(engineMs.map((ms, i) => ms / (rgMs[i] as number)));
    const first = median(firstMs);
    report({
      name: `find_in_files_${kind}`,
      value: round(median(engineMs), 1),
      unit: 'ms',
      baseline: round(median(rgMs), 1),
      ratio: round(ratio),
      goal: '<= 1.3x rg with the same arguments (paired rounds), first result <= 50 ms',
      pass: ratio <= 1.3 && first <= 50,
      first_result_ms: round(first, 1),
      // rg's own first output in the same rounds: what the first result cannot beat
      rg_first_output_ms: round(median(rgFirstMs), 1),
      matches: found.matches,
      files: found.files,
      rounds: ROUNDS,
    });
  }
} finally {
  await engine.stop();
}
