// The tabs of one editor group as a pure reducer: which files are open, in what order, which is active, which are
// dirty, which one is the group's preview (replaced by the next preview) and which are pinned (kept at the left).

export interface Tab {
  path: string;
  dirty: boolean;
  /** A preview tab (italic title) is replaced by the next file previewed in its group; editing it keeps it. */
  preview: boolean;
  /** Pinned tabs stay at the left, in the order they were pinned, and survive Close Others. */
  pinned: boolean;
}

export interface TabsState {
  tabs: Tab[];
  active: string | null;
}

export type TabsAction =
  /** `index`: where the tab goes (reopen puts it back where it was), else right after the active tab. */
  | { type: 'open'; path: string; preview?: boolean; pinned?: boolean; index?: number }
  | { type: 'activate'; path: string }
  | { type: 'close'; path: string }
  | { type: 'setDirty'; path: string; dirty: boolean }
  /** A file or a folder was renamed: every tab at or under `from` moves under `to`. */
  | { type: 'rename'; from: string; to: string }
  /** A file or folder was deleted: its tabs (and those under it) close. */
  | { type: 'remove'; path: string }
  | { type: 'move'; path: string; toIndex: number }
  /** A preview tab becomes an ordinary one (double click, editing, dragging). */
  | { type: 'keep'; path: string }
  | { type: 'pin'; path: string; pinned: boolean };

export const emptyTabs: TabsState = { tabs: [], active: null };

const isAtOrUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
const pinnedCount = (tabs: Tab[]) => tabs.filter((tab) => tab.pinned).length;
const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

/** Where a tab may go: pinned tabs stay in the block at the left, the others after it. */
function placed(tabs: Tab[], tab: Tab, index: number): Tab[] {
  const pinned = pinnedCount(tabs);
  const at = tab.pinned ? clamp(index, 0, pinned) : clamp(index, pinned, tabs.length);
  const next = [...tabs];
  next.splice(at, 0, tab);
  return next;
}

function update(state: TabsState, path: string, change: (tab: Tab) => Tab): TabsState {
  const tab = state.tabs.find((candidate) => candidate.path === path);
  if (!tab) return state;
  const changed = change(tab);
  if (changed.dirty === tab.dirty && changed.preview === tab.preview && changed.pinned === tab.pinned) return state;
  return { ...state, tabs: state.tabs.map((candidate) => (candidate === tab ? changed : candidate)) };
}

export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
  switch (action.type) {
    case 'open': {
      const existing = state.tabs.find((tab) => tab.path === action.path);
      if (existing) {
        // opening a previewed file for good keeps its tab
        const kept = action.preview ? state : update(state, action.path, (tab) => ({ ...tab, preview: false }));
        return { ...kept, active: action.path };
      }
      const tab: Tab = {
        path: action.path,
        dirty: false,
        preview: (action.preview ?? false) && !action.pinned,
        pinned: action.pinned ?? false,
      };
      // the next preview takes the place of the group's current preview tab
      const replaced = tab.preview ? state.tabs.findIndex((candidate) => candidate.preview) : -1;
      if (replaced !== -1) {
        const tabs = [...state.tabs];
        tabs[replaced] = tab;
        return { tabs, active: action.path };
      }
      // a new tab opens right after the active one, like every editor people know
      const afterActive = state.active ? state.tabs.findIndex((other) => other.path === state.active) + 1 : Infinity;
      return { tabs: placed(state.tabs, tab, action.index ?? afterActive), active: action.path };
    }
    case 'activate':
      return state.tabs.some((tab) => tab.path === action.path) ? { ...state, active: action.path } : state;
    case 'close':
      return closeWhere(state, (path) => path === action.path);
    case 'remove':
      return closeWhere(state, (path) => isAtOrUnder(path, action.path));
    case 'setDirty':
      // editing a preview tab keeps it, as VS Code does
      return update(state, action.path, (tab) => ({
        ...tab,
        dirty: action.dirty,
        preview: action.dirty ? false : tab.preview,
      }));
    case 'keep':
      return update(state, action.path, (tab) => ({ ...tab, preview: false }));
    case 'rename': {
      const move = (path: string) =>
        isAtOrUnder(path, action.from) ? action.to + path.slice(action.from.length) : path;
      return {
        tabs: state.tabs.map((tab) => ({ ...tab, path: move(tab.path) })),
        active: state.active === null ? null : move(state.active),
      };
    }
    case 'move': {
      const from = state.tabs.findIndex((tab) => tab.path === action.path);
      const tab = state.tabs[from];
      if (!tab) return state;
      const rest = state.tabs.filter((other) => other !== tab);
      return { ...state, tabs: placed(rest, { ...tab, preview: false }, action.toIndex) };
    }
    case 'pin': {
      const tab = state.tabs.find((candidate) => candidate.path === action.path);
      if (!tab || tab.pinned === action.pinned) return state;
      const rest = state.tabs.filter((other) => other !== tab);
      // pinning puts the tab at the end of the pinned block; unpinning right after it
      const changed = { ...tab, pinned: action.pinned, preview: false };
      return { ...state, tabs: placed(rest, changed, pinnedCount(rest)) };
    }
  }
}

function closeWhere(state: TabsState, shouldClose: (path: string) => boolean): TabsState {
  const tabs = state.tabs.filter((tab) => !shouldClose(tab.path));
  if (tabs.length === state.tabs.length) return state;
  if (state.active === null || !shouldClose(state.active)) return { tabs, active: state.active };
  // the active tab went: activate its right-hand neighbour among the survivors, else the left one
  const index = state.tabs.findIndex((tab) => tab.path === state.active);
  const right = state.tabs.slice(index + 1).find((tab) => !shouldClose(tab.path));
  const left = state.tabs
    .slice(0, index)
    .reverse()
    .find((tab) => !shouldClose(tab.path));
  return { tabs, active: (right ?? left)?.path ?? null };
}

/** What the tab context menu's bulk closes close: pinned tabs survive all but Close All. */
export type CloseScope = 'others' | 'right' | 'saved' | 'all';

export function tabsToClose(state: TabsState, scope: CloseScope, path: string): string[] {
  const index = state.tabs.findIndex((tab) => tab.path === path);
  return state.tabs
    .filter((tab, at) => {
      if (scope === 'all') return true;
      if (tab.pinned) return false;
      if (scope === 'others') return tab.path !== path;
      if (scope === 'right') return at > index;
      return !tab.dirty;
    })
    .map((tab) => tab.path);
}

export const isDirty = (state: TabsState, path: string) => state.tabs.some((tab) => tab.path === path && tab.dirty);
export const dirtyTabs = (state: TabsState) => state.tabs.filter((tab) => tab.dirty).map((tab) => tab.path);
