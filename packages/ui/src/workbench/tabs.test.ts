import { describe, expect, it } from 'vitest';
import { dirtyTabs, emptyTabs, type TabsAction, type TabsState, tabsReducer, tabsToClose } from './tabs';

const run = (actions: TabsAction[], from: TabsState = emptyTabs) => actions.reduce(tabsReducer, from);
const paths = (state: TabsState) => state.tabs.map((tab) => tab.path);

describe('tabsReducer', () => {
  it('opens a file once and activates it', () => {
    const state = run([
      { type: 'open', path: 'a.ts' },
      { type: 'open', path: 'b.ts' },
      { type: 'open', path: 'a.ts' },
    ]);
    expect(paths(state)).toEqual(['a.ts', 'b.ts']);
    expect(state.active).toBe('a.ts');
  });

  it('opens a new tab right after the active one', () => {
    const state = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'activate', path: 'a' },
      { type: 'open', path: 'c' },
    ]);
    expect(paths(state)).toEqual(['a', 'c', 'b']);
  });

  it('activates the right neighbour when the active tab closes, else the left one', () => {
    const three = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'open', path: 'c' },
      { type: 'activate', path: 'b' },
    ]);
    expect(tabsReducer(three, { type: 'close', path: 'b' }).active).toBe('c');
    expect(
      run(
        [
          { type: 'activate', path: 'c' },
          { type: 'close', path: 'c' },
        ],
        three,
      ).active,
    ).toBe('b');
    expect(
      run(
        [
          { type: 'close', path: 'a' },
          { type: 'close', path: 'b' },
          { type: 'close', path: 'c' },
        ],
        three,
      ),
    ).toEqual(emptyTabs);
  });

  it('keeps the active tab when another one closes', () => {
    const state = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'close', path: 'a' },
    ]);
    expect(state).toEqual({ tabs: [{ path: 'b', dirty: false, preview: false, pinned: false }], active: 'b' });
  });

  it('tracks dirty markers per tab and returns the same state when nothing changes', () => {
    const open = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
    ]);
    const dirty = tabsReducer(open, { type: 'setDirty', path: 'b', dirty: true });
    expect(dirtyTabs(dirty)).toEqual(['b']);
    expect(tabsReducer(dirty, { type: 'setDirty', path: 'b', dirty: true })).toBe(dirty);
    expect(dirtyTabs(tabsReducer(dirty, { type: 'setDirty', path: 'b', dirty: false }))).toEqual([]);
  });

  it('moves tabs when their folder is renamed, without touching look-alike names', () => {
    const state = run([
      { type: 'open', path: 'src/a.ts' },
      { type: 'open', path: 'src2/b.ts' },
      { type: 'open', path: 'src/deep/c.ts' },
      { type: 'rename', from: 'src', to: 'lib' },
    ]);
    expect(paths(state)).toEqual(['lib/a.ts', 'src2/b.ts', 'lib/deep/c.ts']);
    expect(state.active).toBe('lib/deep/c.ts');
  });

  it('closes every tab under a deleted folder', () => {
    const state = run([
      { type: 'open', path: 'src/a.ts' },
      { type: 'open', path: 'README.md' },
      { type: 'open', path: 'src/b.ts' },
      { type: 'remove', path: 'src' },
    ]);
    expect(state).toEqual({
      tabs: [{ path: 'README.md', dirty: false, preview: false, pinned: false }],
      active: 'README.md',
    });
  });

  it('reorders a tab by drag position', () => {
    const state = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'open', path: 'c' },
      { type: 'move', path: 'c', toIndex: 0 },
    ]);
    expect(paths(state)).toEqual(['c', 'a', 'b']);
  });

  it('replaces the preview tab with the next preview, in its place', () => {
    const state = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b', preview: true },
      { type: 'activate', path: 'a' },
      { type: 'open', path: 'c', preview: true },
    ]);
    expect(paths(state)).toEqual(['a', 'c']);
    expect(state.tabs[1]?.preview).toBe(true);
    expect(state.active).toBe('c');
  });

  it('keeps a preview tab when it is edited, opened for good or dragged', () => {
    const preview = run([{ type: 'open', path: 'a', preview: true }]);
    expect(tabsReducer(preview, { type: 'setDirty', path: 'a', dirty: true }).tabs[0]?.preview).toBe(false);
    expect(tabsReducer(preview, { type: 'open', path: 'a' }).tabs[0]?.preview).toBe(false);
    expect(tabsReducer(preview, { type: 'keep', path: 'a' }).tabs[0]?.preview).toBe(false);
    expect(tabsReducer(preview, { type: 'move', path: 'a', toIndex: 0 }).tabs[0]?.preview).toBe(false);
    // previewing it again leaves it a preview, and the next preview then opens beside a kept one
    const kept = run(
      [
        { type: 'keep', path: 'a' },
        { type: 'open', path: 'b', preview: true },
      ],
      preview,
    );
    expect(paths(kept)).toEqual(['a', 'b']);
  });

  it('keeps pinned tabs at the left, in the order they were pinned', () => {
    const state = run([
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'open', path: 'c' },
      { type: 'pin', path: 'c', pinned: true },
      { type: 'pin', path: 'b', pinned: true },
      { type: 'activate', path: 'c' },
      { type: 'open', path: 'd' },
    ]);
    // a new tab opens after the active pinned one would put it among the pinned: it goes after them
    expect(paths(state)).toEqual(['c', 'b', 'd', 'a']);
    expect(paths(tabsReducer(state, { type: 'move', path: 'a', toIndex: 0 }))).toEqual(['c', 'b', 'a', 'd']);
    expect(paths(tabsReducer(state, { type: 'pin', path: 'c', pinned: false }))).toEqual(['b', 'c', 'd', 'a']);
    expect(tabsReducer(state, { type: 'pin', path: 'b', pinned: true })).toBe(state);
  });

  it("lists what Close Others, Close to the Right and Close Saved close, sparing pinned tabs; Close All doesn't", () => {
    const state = run([
      { type: 'open', path: 'p' },
      { type: 'pin', path: 'p', pinned: true },
      { type: 'open', path: 'a' },
      { type: 'open', path: 'b' },
      { type: 'open', path: 'c' },
      { type: 'setDirty', path: 'c', dirty: true },
    ]);
    expect(tabsToClose(state, 'others', 'b')).toEqual(['a', 'c']);
    expect(tabsToClose(state, 'right', 'a')).toEqual(['b', 'c']);
    expect(tabsToClose(state, 'saved', 'a')).toEqual(['a', 'b']);
    expect(tabsToClose(state, 'all', 'a')).toEqual(['p', 'a', 'b', 'c']);
  });
});
