// Child of quota_consume: waits for "go" on stdin, then runs check-and-consume in a tight loop on a shared
// database and prints how many it did and how long it took.
import { rowSealFromKey } from '../../apps/engine/src/license/row-seal.js';
import { createQuotaLedger } from '../../apps/engine/src/quota/index.js';
import { openStore } from '../../apps/engine/src/store/index.js';

const [dbFile = '', countText = '0'] = process.argv.slice(2);
const store = openStore(dbFile);
// both processes seal with one key, as two engines on one data dir share the keychain's
const ledger = createQuotaLedger(store, Date.now, { seal: rowSealFromKey(Buffer.alloc(32, 7), false) });
const count = Number(countText);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const started = performance.now();
let granted = 0;
for (let i = 0; i < count; i++) if (ledger.consume('bench', 'ai_requests', 1, 1_000_000_000).granted) granted++;
const ms = performance.now() - started;
store.close();
process.stdout.write(`${JSON.stringify({ granted, ms })}\n`);
process.exit(0);
