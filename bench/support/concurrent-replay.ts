// Replays a concurrent editing trace with one Yjs peer per agent: before each transaction the agent's peer
// receives exactly the transactions its parents name (transitively), then types the patches; finally every peer
// receives every update. A correct CRDT leaves every peer at the trace's endContent.
import * as Y from 'yjs';
import type { ConcurrentTrace } from './traces.js';

export interface ConcurrentResult {
  ms: number;
  texts: string[];
  updates: number;
}

export function replayConcurrent(trace: ConcurrentTrace): ConcurrentResult {
  const docs = Array.from({ length: trace.numAgents }, (_, agent) => {
    const doc = new Y.Doc();
    doc.clientID = agent + 1;
    return doc;
  });
  const seen = docs.map(() => new Set<number>());
  const updates: Uint8Array[] = [];
  const started = performance.now();
  trace.txns.forEach((txn, index) => {
    const doc = docs[txn.agent] as Y.Doc;
    const known = seen[txn.agent] as Set<number>;
    const missing: number[] = [];
    const stack = [...txn.parents];
    while (stack.length > 0) {
      const parent = stack.pop() as number;
      if (known.has(parent)) continue;
      known.add(parent);
      missing.push(parent);
      stack.push(...(trace.txns[parent]?.parents ?? []));
    }
    for (const parent of missing.sort((a, b) => a - b)) Y.applyUpdate(doc, updates[parent] as Uint8Array, 'remote');
    const text = doc.getText('file');
    doc.once('update', (update: Uint8Array) => {
      updates[index] = update;
    });
    doc.transact(() => {
      for (const [pos, deleted, inserted] of txn.patches) {
        if (deleted > 0) text.delete(pos, deleted);
        if (inserted) text.insert(pos, inserted);
      }
    });
    updates[index] ??= new Uint8Array([0, 0]); // an empty transaction emits no update
    known.add(index);
  });
  const merged = Y.mergeUpdates(updates);
  for (const doc of docs) Y.applyUpdate(doc, merged, 'remote');
  const ms = performance.now() - started;
  return { ms, texts: docs.map((doc) => doc.getText('file').toString()), updates: updates.length };
}
