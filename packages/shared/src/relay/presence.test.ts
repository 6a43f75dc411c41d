import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { peerSelectionOf } from './presence';

describe('peerSelectionOf', () => {
  it('reads back a selection published as Yjs relative-position JSON', () => {
    const doc = new Y.Doc();
    const text = doc.getText('file');
    text.insert(0, 'hello world');
    const anchor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 2));
    const head = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 7));
    // awareness states cross the wire as JSON
    const state: unknown = JSON.parse(JSON.stringify({ user: { name: 'Ada' }, selection: { anchor, head } }));
    const selection = peerSelectionOf(state);
    expect(selection).not.toBeNull();
    const resolved = Y.createAbsolutePositionFromRelativePosition(
      Y.createRelativePositionFromJSON(selection?.head),
      doc,
    );
    expect(resolved?.index).toBe(7);
  });

  it('ignores states with no selection, a cleared one or a malformed one', () => {
    expect(peerSelectionOf({ user: { name: 'Ada' } })).toBeNull();
    expect(peerSelectionOf({ selection: null })).toBeNull();
    expect(peerSelectionOf({ selection: { anchor: { item: { client: -1, clock: 0 } }, head: {} } })).toBeNull();
    expect(peerSelectionOf({ selection: { anchor: { item: { client: 'x', clock: 0 } }, head: {} } })).toBeNull();
    expect(peerSelectionOf({ selection: { anchor: {}, head: { tname: 'x'.repeat(1000) } } })).toBeNull();
    expect(peerSelectionOf('selection')).toBeNull();
    expect(peerSelectionOf(null)).toBeNull();
  });
});
