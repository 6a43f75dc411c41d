import { describe, expect, it } from 'vitest';
import {
  activeGroup,
  allTabs,
  type GroupsAction,
  type GroupsState,
  groupsReducer,
  initialGroups,
  MAX_GROUPS,
  neighbourGroup,
  restoredGroups,
  sessionLayout,
} from './editor-groups';

const run = (actions: GroupsAction[], from: GroupsState = initialGroups) => actions.reduce(groupsReducer, from);
const open = (path: string, group?: number): GroupsAction => ({ type: 'tabs', group, action: { type: 'open', path } });
const close = (path: string, group?: number): GroupsAction => ({
  type: 'tabs',
  group,
  action: { type: 'close', path },
});
const layout = (state: GroupsState) => state.groups.map((group) => group.tabs.tabs.map((tab) => tab.path));

describe('groupsReducer', () => {
  it('splits right with a copy of the active tab in a new, active group of half the width', () => {
    const state = run([open('a'), open('b'), { type: 'split', group: 1, path: 'b', side: 'right' }]);
    expect(layout(state)).toEqual([['a', 'b'], ['b']]);
    expect(state.orientation).toBe('row');
    expect(state.sizes).toEqual([0.5, 0.5]);
    expect(state.active).toBe(2);
    // files open in the active group
    expect(layout(groupsReducer(state, open('c')))).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
  });

  it('splits down into a column, and places a left split before its group', () => {
    expect(run([open('a'), { type: 'split', group: 1, path: 'a', side: 'down' }]).orientation).toBe('column');
    const left = run([open('a'), open('b'), { type: 'split', group: 1, path: 'a', side: 'left', move: true }]);
    expect(layout(left)).toEqual([['a'], ['b']]);
    expect(left.groups.map((group) => group.id)).toEqual([2, 1]);
  });

  it('refuses to split past the group limit or to split off the only tab of a group', () => {
    let state = run([open('a')]);
    for (let i = 0; i < MAX_GROUPS + 3; i += 1) {
      state = groupsReducer(state, { type: 'split', group: state.active, path: 'a', side: 'right' });
    }
    expect(state.groups).toHaveLength(MAX_GROUPS);
    const single = run([open('a')]);
    expect(groupsReducer(single, { type: 'split', group: 1, path: 'a', side: 'right', move: true })).toBe(single);
    expect(groupsReducer(single, { type: 'split', group: 1, path: 'missing', side: 'right' })).toBe(single);
  });

  it('moves a tab to another group, keeping its dirty marker, and closes the emptied group', () => {
    const two = run([
      open('a'),
      open('b'),
      { type: 'split', group: 1, path: 'b', side: 'right', move: true },
      { type: 'tabs', group: 1, action: { type: 'setDirty', path: 'a', dirty: true } },
    ]);
    expect(layout(two)).toEqual([['a'], ['b']]);
    const moved = groupsReducer(two, { type: 'moveTab', from: 1, to: 2, path: 'a', index: 0 });
    expect(layout(moved)).toEqual([['a', 'b']]);
    expect(moved.groups[0]?.tabs.tabs[0]?.dirty).toBe(true);
    expect(moved.sizes).toEqual([1]);
    expect(moved.active).toBe(2);
    expect(activeGroup(moved).tabs.active).toBe('a');
  });

  it('reorders within a group when a tab is dropped on its own strip', () => {
    const state = run([open('a'), open('b'), { type: 'moveTab', from: 1, to: 1, path: 'b', index: 0 }]);
    expect(layout(state)).toEqual([['b', 'a']]);
  });

  it('closes an emptied group and gives its space and focus to its neighbour, never the last group', () => {
    const three = run([
      open('a'),
      { type: 'split', group: 1, path: 'a', side: 'right' },
      { type: 'split', group: 2, path: 'a', side: 'right' },
    ]);
    expect(three.sizes).toEqual([0.5, 0.25, 0.25]);
    const closed = groupsReducer(three, close('a', 2));
    expect(closed.groups.map((group) => group.id)).toEqual([1, 3]);
    expect(closed.sizes).toEqual([0.75, 0.25]);
    const last = run([close('a', 1), close('a', 3)], closed);
    expect(last.groups).toHaveLength(1);
    expect(last.groups[0]?.tabs.tabs).toEqual([]);
  });

  it('remembers closed editors with their group and place, newest last, for Reopen Closed Editor', () => {
    const state = run([open('a'), open('b'), open('c'), close('b'), close('a')]);
    expect(state.closed).toEqual([
      { path: 'b', group: 1, index: 1, pinned: false },
      { path: 'a', group: 1, index: 0, pinned: false },
    ]);
    expect(groupsReducer(state, { type: 'popClosed' }).closed.map((entry) => entry.path)).toEqual(['b']);
    // a file deleted on disk is not offered back
    expect(groupsReducer(state, { type: 'everywhere', action: { type: 'remove', path: 'c' } }).closed).toHaveLength(2);
  });

  it('marks a file dirty, renames and deletes it in every group that shows it', () => {
    const state = run([
      open('src/a'),
      { type: 'split', group: 1, path: 'src/a', side: 'right' },
      { type: 'everywhere', action: { type: 'setDirty', path: 'src/a', dirty: true } },
      { type: 'everywhere', action: { type: 'rename', from: 'src', to: 'lib' } },
    ]);
    expect(layout(state)).toEqual([['lib/a'], ['lib/a']]);
    expect(state.groups.every((group) => group.tabs.tabs[0]?.dirty)).toBe(true);
    expect(layout(groupsReducer(state, { type: 'everywhere', action: { type: 'remove', path: 'lib' } }))).toEqual([[]]);
  });

  it('lists every open tab once, with the active group active', () => {
    const state = run([open('a'), open('b'), { type: 'split', group: 1, path: 'a', side: 'right' }, open('c')]);
    expect(allTabs(state).tabs.map((tab) => tab.path)).toEqual(['a', 'b', 'c']);
    expect(allTabs(state).active).toBe('c');
  });

  it('keeps sash sizes valid: refuses the wrong count or non-finite sizes, holds the minimum share', () => {
    const two = run([open('a'), { type: 'split', group: 1, path: 'a', side: 'right' }]);
    expect(groupsReducer(two, { type: 'resize', sizes: [1] })).toBe(two);
    expect(groupsReducer(two, { type: 'resize', sizes: [Number.NaN, 1] })).toBe(two);
    const squeezed = groupsReducer(two, { type: 'resize', sizes: [0.001, 0.999] }).sizes;
    expect(squeezed[0]).toBeGreaterThan(0.07);
    expect((squeezed[0] ?? 0) + (squeezed[1] ?? 0)).toBeCloseTo(1);
  });

  it('focuses groups by id and steps to the next one, wrapping around', () => {
    const two = run([open('a'), { type: 'split', group: 1, path: 'a', side: 'right' }]);
    expect(neighbourGroup(two, 1)).toBe(1);
    expect(groupsReducer(two, { type: 'focus', group: 1 }).active).toBe(1);
    expect(groupsReducer(two, { type: 'focus', group: 99 })).toBe(two);
  });

  it('ignores a dropped tab that its group does not have (a forged drag from another page)', () => {
    const two = run([open('a'), open('b'), { type: 'split', group: 1, path: 'b', side: 'right' }]);
    expect(groupsReducer(two, { type: 'moveTab', from: 1, to: 2, path: '../../etc/passwd' })).toBe(two);
    expect(groupsReducer(two, { type: 'moveTab', from: 7, to: 2, path: 'a' })).toBe(two);
    expect(groupsReducer(two, { type: 'split', group: 2, path: 'a', side: 'down', move: true, beside: 1 })).toBe(two);
  });
});

describe('the layout in the hot-exit session', () => {
  const split = run([
    open('a'),
    open('b'),
    { type: 'tabs', action: { type: 'pin', path: 'a', pinned: true } },
    { type: 'split', group: 1, path: 'b', side: 'down' },
    { type: 'tabs', action: { type: 'open', path: 'c', preview: true } },
  ]);

  it('comes back as it was: groups, tabs with their flags, orientation, sizes and the active group', () => {
    const layout = sessionLayout(split);
    expect(layout).toEqual({
      orientation: 'column',
      groups: [
        { tabs: [{ path: 'a', pinned: true }, { path: 'b' }], active: 'b' },
        { tabs: [{ path: 'b' }, { path: 'c', preview: true }], active: 'c' },
      ],
      sizes: [0.5, 0.5],
      active: 1,
    });
    const restored = restoredGroups(layout, ['a', 'b', 'c'], 'c', initialGroups);
    expect(sessionLayout(restored)).toEqual(layout);
    expect(allTabs(restored).active).toBe('c');
  });

  it('leaves out files that could not be opened, and a group left with none', () => {
    const restored = restoredGroups(sessionLayout(split), ['a', 'b'], 'c', initialGroups);
    expect(layout(restored)).toEqual([['a', 'b'], ['b']]);
    const none = restoredGroups(sessionLayout(split), ['a'], null, initialGroups);
    expect(layout(none)).toEqual([['a']]);
    expect(none.sizes).toEqual([1]);
  });

  it('restores a session from before the split editor as one group, the active tab active', () => {
    const restored = restoredGroups(null, ['a', 'b', 'c'], 'b', initialGroups);
    expect(layout(restored)).toEqual([['a', 'b', 'c']]);
    expect(allTabs(restored).active).toBe('b');
  });

  it('keeps a tab the user opened while the session was restoring', () => {
    const meanwhile = groupsReducer(initialGroups, open('z'));
    expect(layout(restoredGroups(null, ['a'], 'a', meanwhile))).toEqual([['a', 'z']]);
  });
});
