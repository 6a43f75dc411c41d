// One process of the quota race: N concurrent consumers share A attempts against one SQLite file. Prints "G" the
// moment a grant has committed (synchronously, so a kill -9 cannot eat a reported grant) and a JSON summary at the end.
import { writeSync } from 'node:fs';
import { rowSealFromKey } from '../../../apps/engine/src/license/row-seal.js';
import { createQuotaLedger } from '../../../apps/engine/src/quota/index.js';
import { openStore } from '../../../apps/engine/src/store/index.js';

const [dbFile = '', attemptsText = '0', consumersText = '0', limitText = '0'] = process.argv.slice(2);
const store = openStore(dbFile);
// both processes seal with one key, as two engines on one data dir share the keychain's
const ledger = createQuotaLedger(store, Date.now, { seal: rowSealFromKey(Buffer.alloc(32, 7), false) });
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
    // pause between attempts so the 100 consumers interleave with each other and with the other process, and the
    // race lasts long enough (~2500 / 100 × 2 ms) that neither process can take the whole limit before the other runs
    await new Promise((resolve) => setTimeout(resolve, 2));
    const outcome = ledger.consume('race-license', 'ai_requests', 1, Number(limitText));
    if (outcome.granted) {
      granted++;
      report('G\n');
    } else denied++;
  }
}

// a start barrier: the parent says go once both processes are ready, so they really race
report('ready\n');
const go = await new Promise<string>((resolve) => process.stdin.once('data', (data) => resolve(String(data))));
process.stdin.pause();
// "go <epoch ms>": start at that instant, so the parent's two writes and their delivery do not skew the start
const startAt = Number(go.trim().split(' ')[1] ?? 0);
if (startAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
await Promise.all(Array.from({ length: Number(consumersText) }, () => consumer()));
report(`${JSON.stringify({ granted, denied })}\n`);
store.close();
