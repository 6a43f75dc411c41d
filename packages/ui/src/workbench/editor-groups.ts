// The editor groups as a pure reducer: the split editor's groups side by side (or stacked), each with its own tabs
// (tabs.ts), the active group (where files open), the share of the editor area each group takes, and the stack of
// closed editors that Reopen Closed Editor pops. An emptied group closes, as in VS Code, unless it is the last one.
import type { SessionLayout } from '@pa/shared';
import { emptyTabs, type Tab, type TabsAction, type TabsState, tabsReducer } from './tabs';

export interface EditorGroup {
  id: number;
  tabs: TabsState;
}

/** A closed editor, with where it was, for Reopen Closed Editor. */
export interface ClosedEditor {
  path: string;
  group: number;
  index: number;
  pinned: boolean;
}

/** `row`: groups side by side (split right); `column`: stacked (split down). */
export type Orientation = 'row' | 'column';
export type SplitSide = 'left' | 'right' | 'up' | 'down';

export interface GroupsState {
  groups: EditorGroup[];
  orientation: Orientation;
  /** Each group's share of the editor area, in the groups' order; they add up to 1. */
  sizes: number[];
  active: number;
  nextId: number;
  closed: ClosedEditor[];
}

export type GroupsAction =
  /** A tabs action in one group (the active one when `group` is left out). */
  | { type: 'tabs'; group?: number; action: TabsAction }
  /** A tabs action in every group: dirty markers, renames and deletions on disk are the file's, not the tab's. */
  | { type: 'everywhere'; action: TabsAction }
  | { type: 'focus'; group: number }
  /**
   * A new group beside `beside` (`group` itself by default) showing the tab `path` of `group`: copied there (Split
   * Editor), or moved there (a tab dropped on a group's edge, Move Editor into Right/Left Group).
   */
  | { type: 'split'; group: number; path: string | null; side: SplitSide; move?: boolean; beside?: number }
  /** A tab dragged to another group's tab strip (or along its own). */
  | { type: 'moveTab'; from: number; to: number; path: string; index?: number }
  | { type: 'resize'; sizes: number[] }
  /** Reopen Closed Editor took the newest entry of the stack. */
  | { type: 'popClosed' };

/** How many closed editors Reopen Closed Editor remembers. */
export const CLOSED_LIMIT = 50;
export const MAX_GROUPS = 16;
/** The smallest share a group keeps when the sash between two groups is dragged. */
export const MIN_GROUP_SHARE = 0.08;

export const initialGroups: GroupsState = {
  groups: [{ id: 1, tabs: emptyTabs }],
  orientation: 'row',
  sizes: [1],
  active: 1,
  nextId: 2,
  closed: [],
};

const axisOf = (side: SplitSide): Orientation => (side === 'left' || side === 'right' ? 'row' : 'column');

export function groupsReducer(state: GroupsState, action: GroupsAction): GroupsState {
  switch (action.type) {
    case 'tabs': {
      const id = action.group ?? state.active;
      const group = state.groups.find((candidate) => candidate.id === id);
      if (!group) return state;
      const tabs = tabsReducer(group.tabs, action.action);
      if (tabs === group.tabs) return focusOn(state, id, action.action);
      let next = withTabs(state, id, tabs);
      if (action.action.type === 'close') next = remember(next, group, action.action.path);
      return closeIfEmpty(focusOn(next, id, action.action), id);
    }
    case 'everywhere': {
      let next = state;
      for (const group of state.groups) next = withTabs(next, group.id, tabsReducer(group.tabs, action.action));
      if (action.action.type === 'remove') for (const group of state.groups) next = closeIfEmpty(next, group.id);
      return next;
    }
    case 'focus':
      return state.active !== action.group && state.groups.some((group) => group.id === action.group)
        ? { ...state, active: action.group }
        : state;
    case 'split':
      return split(state, action);
    case 'moveTab':
      return moveTab(state, action);
    case 'resize': {
      const sizes = normalised(action.sizes, state.groups.length);
      return sizes ? { ...state, sizes } : state;
    }
    case 'popClosed':
      return state.closed.length === 0 ? state : { ...state, closed: state.closed.slice(0, -1) };
  }
}

/** Activating or opening a tab in a group makes that group the active one. */
function focusOn(state: GroupsState, id: number, action: TabsAction): GroupsState {
  if (action.type !== 'open' && action.type !== 'activate') return state;
  return state.active === id ? state : { ...state, active: id };
}

function withTabs(state: GroupsState, id: number, tabs: TabsState): GroupsState {
  const group = state.groups.find((candidate) => candidate.id === id);
  if (!group || group.tabs === tabs) return state;
  return { ...state, groups: state.groups.map((candidate) => (candidate === group ? { id, tabs } : candidate)) };
}

function remember(state: GroupsState, group: EditorGroup, path: string): GroupsState {
  const index = group.tabs.tabs.findIndex((tab) => tab.path === path);
  const tab = group.tabs.tabs[index];
  if (!tab) return state;
  const entry: ClosedEditor = { path, group: group.id, index, pinned: tab.pinned };
  return { ...state, closed: [...state.closed.filter((closed) => closed.path !== path), entry].slice(-CLOSED_LIMIT) };
}

function closeIfEmpty(state: GroupsState, id: number): GroupsState {
  const index = state.groups.findIndex((group) => group.id === id);
  const group = state.groups[index];
  if (!group || group.tabs.tabs.length > 0 || state.groups.length === 1) return state;
  const groups = state.groups.filter((candidate) => candidate !== group);
  // the space goes to the neighbour that takes the group's place; focus moves there too
  const heir = Math.max(0, index - 1);
  const sizes = state.sizes.filter((_, at) => at !== index);
  sizes[heir] = (sizes[heir] ?? 0) + (state.sizes[index] ?? 0);
  const active = state.active === id ? (groups[heir]?.id ?? state.active) : state.active;
  return { ...state, groups, sizes: normalised(sizes, groups.length) ?? evenly(groups.length), active };
}

function split(state: GroupsState, action: Extract<GroupsAction, { type: 'split' }>): GroupsState {
  const source = state.groups.find((group) => group.id === action.group);
  const index = state.groups.findIndex((group) => group.id === (action.beside ?? action.group));
  if (!source || index === -1 || state.groups.length >= MAX_GROUPS) return state;
  const tab = action.path === null ? null : source.tabs.tabs.find((candidate) => candidate.path === action.path);
  if (action.path !== null && !tab) return state;
  // moving the only tab of a group beside itself would leave the layout as it was
  if (action.move && source.tabs.tabs.length === 1 && state.groups[index] === source) return state;
  // the layout is one row or one column: the first split chooses which
  const orientation = state.groups.length === 1 ? axisOf(action.side) : state.orientation;
  const id = state.nextId;
  const opened: Tab[] = tab ? [{ ...tab, preview: false, pinned: false }] : [];
  const created: EditorGroup = { id, tabs: { tabs: opened, active: tab?.path ?? null } };
  const sourceTabs = action.move && tab ? tabsReducer(source.tabs, { type: 'close', path: tab.path }) : source.tabs;
  const groups = state.groups.map((group) => (group === source ? { id: group.id, tabs: sourceTabs } : group));
  const at = action.side === 'left' || action.side === 'up' ? index : index + 1;
  groups.splice(at, 0, created);
  // the new group takes half of the space of the group it split from
  const half = (state.sizes[index] ?? 1) / 2;
  const sizes = state.sizes.map((size, position) => (position === index ? half : size));
  sizes.splice(at, 0, half);
  return closeIfEmpty({ ...state, groups, orientation, sizes, active: id, nextId: id + 1 }, source.id);
}

function moveTab(state: GroupsState, action: Extract<GroupsAction, { type: 'moveTab' }>): GroupsState {
  const from = state.groups.find((group) => group.id === action.from);
  const to = state.groups.find((group) => group.id === action.to);
  const tab = from?.tabs.tabs.find((candidate) => candidate.path === action.path);
  if (!from || !to || !tab) return state;
  const index = action.index ?? to.tabs.tabs.length;
  if (from === to) {
    const tabs = tabsReducer(tabsReducer(from.tabs, { type: 'move', path: tab.path, toIndex: index }), {
      type: 'activate',
      path: tab.path,
    });
    return { ...withTabs(state, from.id, tabs), active: from.id };
  }
  let next = withTabs(state, from.id, tabsReducer(from.tabs, { type: 'close', path: tab.path }));
  const target = to.tabs.tabs.some((candidate) => candidate.path === tab.path)
    ? tabsReducer(to.tabs, { type: 'move', path: tab.path, toIndex: index })
    : tabsReducer(to.tabs, { type: 'open', path: tab.path, index, pinned: tab.pinned });
  // the dirty marker travels with the tab; a dragged tab is kept, never a preview
  const moved = tabsReducer(tabsReducer(target, { type: 'setDirty', path: tab.path, dirty: tab.dirty }), {
    type: 'activate',
    path: tab.path,
  });
  next = { ...withTabs(next, to.id, moved), active: to.id };
  return closeIfEmpty(next, from.id);
}

const evenly = (count: number) => Array.from({ length: count }, () => 1 / count);

/** Shares that add up to 1, one per group, none under the minimum; null when `sizes` cannot be made so. */
function normalised(sizes: number[], count: number): number[] | null {
  if (sizes.length !== count || sizes.some((size) => !Number.isFinite(size) || size <= 0)) return null;
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const shares = sizes.map((size) => Math.max(MIN_GROUP_SHARE, size / total));
  const sum = shares.reduce((acc, size) => acc + size, 0);
  return shares.map((size) => size / sum);
}

// ---- reading the layout ------------------------------------------------------------------------------------------

export const activeGroup = (state: GroupsState): EditorGroup =>
  state.groups.find((group) => group.id === state.active) ?? (state.groups[0] as EditorGroup);

/**
 * Every open tab once, in the groups' order, with the active group's active tab: what the title bar, the explorer,
 * quick open, the status bar and the unsaved-changes prompts read as "the tabs".
 */
export function allTabs(state: GroupsState): TabsState {
  const seen = new Map<string, Tab>();
  for (const group of state.groups) {
    for (const tab of group.tabs.tabs) {
      const known = seen.get(tab.path);
      if (!known) seen.set(tab.path, tab);
      else if (tab.dirty && !known.dirty) seen.set(tab.path, { ...known, dirty: true });
    }
  }
  return { tabs: [...seen.values()], active: activeGroup(state).tabs.active };
}

/** The groups that show `path`. */
export const groupsShowing = (state: GroupsState, path: string): EditorGroup[] =>
  state.groups.filter((group) => group.tabs.tabs.some((tab) => tab.path === path));

/** The group after (or before) the active one, wrapping around: Focus Next / Previous Group. */
export function neighbourGroup(state: GroupsState, step: 1 | -1): number {
  const index = state.groups.findIndex((group) => group.id === state.active);
  const count = state.groups.length;
  return (state.groups[(index + step + count) % count] as EditorGroup).id;
}

// ---- the hot-exit session ----------------------------------------------------------------------------------------

/** The layout as the hot-exit session stores it (dirty markers are the buffers' own, restored with them). */
export function sessionLayout(state: GroupsState): SessionLayout {
  return {
    orientation: state.orientation,
    groups: state.groups.map((group) => ({
      tabs: group.tabs.tabs.map(({ path, preview, pinned }) => ({
        path,
        ...(preview ? { preview } : {}),
        ...(pinned ? { pinned } : {}),
      })),
      active: group.tabs.active,
    })),
    sizes: state.sizes,
    active: Math.max(
      0,
      state.groups.findIndex((group) => group.id === state.active),
    ),
  };
}

/**
 * The groups a restored session brings back: its layout with only the tabs that could be opened (`opened`, in the
 * session's order; one not in any group joins the active group), or, for a session from before the split editor,
 * one group with all of them. Tabs the user opened while the session was restoring stay, in the active group.
 */
export function restoredGroups(
  layout: SessionLayout | null,
  opened: string[],
  active: string | null,
  current: GroupsState,
): GroupsState {
  const isOpen = new Set(opened);
  const saved: SessionLayout['groups'] = layout?.groups ?? [{ tabs: opened.map((path) => ({ path })), active }];
  // new ids, so no view state or closed-editor entry of the groups before is taken for one of these
  let next: GroupsState = {
    ...initialGroups,
    groups: [],
    sizes: [],
    orientation: layout?.orientation ?? 'row',
    nextId: current.nextId,
  };
  const sizes: number[] = [];
  saved.forEach((group, index) => {
    const tabs: Tab[] = group.tabs
      .filter((tab) => isOpen.has(tab.path))
      .map((tab) => ({ path: tab.path, dirty: false, preview: tab.preview ?? false, pinned: tab.pinned ?? false }));
    if (tabs.length === 0) return;
    const id = next.nextId;
    const shown = tabs.some((tab) => tab.path === group.active) ? group.active : (tabs.at(-1)?.path ?? null);
    next = { ...next, groups: [...next.groups, { id, tabs: { tabs, active: shown } }], nextId: id + 1 };
    if (index === (layout?.active ?? 0)) next.active = id;
    sizes.push(layout?.sizes[index] ?? 1);
  });
  if (next.groups.length === 0) return withCurrent({ ...initialGroups, closed: current.closed }, current);
  if (!next.groups.some((group) => group.id === next.active)) next.active = (next.groups[0] as EditorGroup).id;
  next.sizes = normalised(sizes, next.groups.length) ?? evenly(next.groups.length);
  const placed = new Set(next.groups.flatMap((group) => group.tabs.tabs.map((tab) => tab.path)));
  for (const path of opened) {
    if (!placed.has(path)) next = groupsReducer(next, { type: 'tabs', action: { type: 'open', path } });
  }
  return withCurrent({ ...next, closed: current.closed }, current);
}

function withCurrent(restored: GroupsState, current: GroupsState): GroupsState {
  let next = restored;
  for (const tab of allTabs(current).tabs) {
    next = groupsReducer(next, { type: 'tabs', action: { type: 'open', path: tab.path } });
  }
  return next;
}
