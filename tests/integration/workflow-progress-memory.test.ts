// A run that prints 100,000 log lines (50 MB) while a connected client does not read its progress: the client's
// memory stays flat whether it never attaches or attaches and never reads (the engine sends one window of items,
// then folds the rest into a bounded queue), and the run goes on at its own pace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { STREAM_WINDOW } from '@pa/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROGRESS_HIGH_WATER } from '../../apps/engine/src/workflow/progress.js';
import { type Harness, startHarness, writeWorkflow } from './workflow-harness.js';

const LINES = 100_000;
const LINE = 500;
/** What the engine may queue for one reader: its progress queue, plus a run state and a few step items past it. */
const QUEUED = PROGRESS_HIGH_WATER + 8;

// a full collection before each reading, so the figures are what is still held, not garbage not yet collected
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let h: Harness;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pa-chatty-'));
  const script = `const fs = require('fs'); const pad = 'x'.repeat(${LINE - 20}); for (let i = 0; i < ${LINES}; i++) fs.writeSync(1, 'line ' + String(i).padStart(6, '0') + ' ' + pad + '\\n');`;
  writeWorkflow(
    root,
    'chatty',
    `name: chatty\ndescription: Prints ${LINES} lines.\nsteps:\n  - id: print\n    run: { command: ${JSON.stringify(process.execPath)}, args: ["-e", ${JSON.stringify(script)}], timeout: 120 }\n`,
  );
  h = await startHarness({ root });
  await h.client.call('workflow.trust.set', { trusted: true });
});

afterAll(async () => {
  await h?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('holds a client flat through 100,000 log lines it never reads, and the engine to a bounded queue for it', async () => {
  const idle = await h.engine.connect(); // connected, never attaches
  const client = await h.engine.connect(); // attaches, reads the snapshot, then nothing while the run goes on
  const reader = await h.engine.connect(); // reads to the end: the run has ended when its stream does
  try {
    await idle.call('engine.ping');
    const { runId } = await client.call('workflow.run', { name: 'chatty' });
    const stalled = client.stream('workflow.attach', { runId });
    const iterator = stalled[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.type).toBe('snapshot');
    const before = heapUsed();
    const progress = reader.stream('workflow.attach', { runId });
    for await (const _item of progress) {
      // the run is not held back by the readers that do not read
    }
    expect((await progress.result).state).toBe('succeeded');
    const held = heapUsed() - before;
    // at most a window of items (each one pipe read, up to 64 KiB), never the run's 50 MB
    expect(held).toBeLessThan(STREAM_WINDOW * 64 * 1024 * 1.5);

    let items = 0;
    let text = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      items += 1;
      if (next.value.type === 'log') text += next.value.text.length;
    }
    expect((await stalled.result).state).toBe('succeeded');
    // what was in flight, then the engine's folded queue: nowhere near one item per pipe read of 50 MB
    expect(items).toBeLessThanOrEqual(STREAM_WINDOW + QUEUED);
    expect(text).toBeLessThan((LINES * LINE) / 2);
  } finally {
    idle.close();
    client.close();
    reader.close();
  }
});
