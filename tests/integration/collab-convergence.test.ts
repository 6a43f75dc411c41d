// Convergence fuzz: peers editing shared texts and the files map over a network that delays, reorders, duplicates
// and partitions must end with identical files and state vectors. Seeded, so a failing seed replays exactly.
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SimulatedNetwork } from '../support/collab-network.js';

const SEEDS = 500;
const EDITS = 300;
const PATHS = ['src/a.ts', 'src/b.ts', 'README.md', 'lib/c.rs'];

function files(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>('files');
}

/** The files as sorted [path, text] pairs: map iteration order is not part of the shared state. */
function snapshot(doc: Y.Doc): Array<[string, string]> {
  return [...files(doc).entries()]
    .map(([path, text]): [string, string] => [path, text.toString()])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

function randomEdit(gen: prng.PRNG, doc: Y.Doc): void {
  const map = files(doc);
  const path = prng.oneOf(gen, PATHS);
  const text = map.get(path);
  const roll = prng.int32(gen, 0, 99);
  if (!text || roll < 4) {
    map.set(path, new Y.Text(prng.word(gen, 0, 12)));
  } else if (roll < 6) {
    map.delete(path);
  } else if (roll < 70 || text.length === 0) {
    text.insert(prng.int32(gen, 0, text.length), prng.utf16String(gen, 8));
  } else {
    const at = prng.int32(gen, 0, text.length - 1);
    text.delete(at, prng.int32(gen, 1, Math.min(6, text.length - at)));
  }
}

function runSeed(seed: number, peers: number): void {
  const gen = prng.create(seed);
  const net = new SimulatedNetwork(gen, { peers, maxDelay: 8, duplicate: 0.05 });
  for (let edit = 0; edit < EDITS; edit++) {
    const peer = prng.int32(gen, 0, peers - 1);
    randomEdit(gen, net.docs[peer] as Y.Doc);
    const roll = prng.int32(gen, 0, 99);
    if (roll < 3) net.partition(prng.int32(gen, 0, peers - 1));
    else if (roll < 8) net.heal(prng.int32(gen, 0, peers - 1));
    const deliveries = prng.int32(gen, 0, peers * 2);
    for (let i = 0; i < deliveries; i++) net.step();
  }
  net.settle();
  const [first, ...rest] = net.docs as [Y.Doc, ...Y.Doc[]];
  const expected = { files: snapshot(first), vector: Y.encodeStateVector(first) };
  for (const doc of rest) {
    const actual = { files: snapshot(doc), vector: Y.encodeStateVector(doc) };
    // Compared as one string first: a toEqual over 500 seeds of deep structures would dominate the runtime.
    if (JSON.stringify(actual.files) !== JSON.stringify(expected.files)) {
      expect(actual.files, `seed ${seed} (${peers} peers): files`).toEqual(expected.files);
    }
    expect(actual.vector, `seed ${seed} (${peers} peers): state vectors`).toEqual(expected.vector);
    // Nothing may be left waiting for a missing dependency.
    expect(doc.store.pendingStructs, `seed ${seed}: pending structs`).toBeNull();
  }
}

describe('convergence under a hostile network', () => {
  for (const peers of [3, 5]) {
    it(`${peers} peers end with identical files and state vectors over ${SEEDS} seeds × ${EDITS} edits`, () => {
      for (let seed = 1; seed <= SEEDS; seed++) runSeed(seed * 7919 + peers, peers);
    });
  }

  it('detects divergence: a peer that never heals does not match the others', () => {
    const gen = prng.create(42);
    const net = new SimulatedNetwork(gen, { peers: 3, maxDelay: 4, duplicate: 0 });
    net.partition(2);
    files(net.docs[0] as Y.Doc).set('a', new Y.Text('only here'));
    while (net.step()) {}
    expect(
      files(net.docs[1] as Y.Doc)
        .get('a')
        ?.toString(),
    ).toBe('only here');
    expect(files(net.docs[2] as Y.Doc).get('a')).toBeUndefined();
  });
});
