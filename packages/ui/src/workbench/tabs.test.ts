import { describe, expect, it } from 'vitest';
import { dirtyTabs, emptyTabs, type TabsAction, type TabsState, tabsReducer } from './tabs';

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
    expect(state).toEqual({ tabs: [{ path: 'b', dirty: false }], active: 'b' });
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
    expect(state).toEqual({ tabs: [{ path: 'README.md', dirty: false }], active: 'README.md' });
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
});
