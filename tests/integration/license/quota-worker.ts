// One process of the quota race: N concurrent consumers share A attempts against one SQLite file. Prints "G" the
// moment a grant has committed (synchronously, so a kill -9 cannot eat a reported grant) and a JSON summary at the end.
import { writeSync } from 'node:fs';
import { createQuotaLedger } from '../../../apps/engine/src/quota/index.js';
import { openStore } from '../../../apps/engine/src/store/index.js';

const [dbFile = '', attemptsText = '0', consumersText = '0', limitText = '0'] = process.argv.slice(2);
const store = openStore(dbFile);
const ledger = createQuotaLedger(store, Date.now);
let remaining = Number(attemptsText);

/** stdout is a non-blocking pipe: retry until the line is written, so a report is never dropped or reordered. */
function report(line: string): void {
  for (;;) {
    try {
      writeSync(1, line);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
let granted = 0;
let denied = 0;

async function consumer(): Promise<void> {
  while (remaining > 0) {
    remaining--;
    // yield between attempts so the 100 consumers interleave with each other and with the other process
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = ledger.consume('race-license', 'ai_requests', 1, Number(limitText));
    if (outcome.granted) {
      granted++;
      report('G\n');
    } else denied++;
  }
}

// a start barrier: the parent says go once both processes are ready, so they really race
report('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
await Promise.all(Array.from({ length: Number(consumersText) }, () => consumer()));
report(`${JSON.stringify({ granted, denied })}\n`);
store.close();
