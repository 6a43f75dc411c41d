// The editor tabs as a pure reducer: which files are open, in what order, which is active, which are dirty.

export interface Tab {
  path: string;
  dirty: boolean;
}

export interface TabsState {
  tabs: Tab[];
  active: string | null;
}

export type TabsAction =
  | { type: 'open'; path: string }
  | { type: 'activate'; path: string }
  | { type: 'close'; path: string }
  | { type: 'setDirty'; path: string; dirty: boolean }
  /** A file or a folder was renamed: every tab at or under `from` moves under `to`. */
  | { type: 'rename'; from: string; to: string }
  /** A file or folder was deleted: its tabs (and those under it) close. */
  | { type: 'remove'; path: string }
  | { type: 'move'; path: string; toIndex: number };

export const emptyTabs: TabsState = { tabs: [], active: null };

const isAtOrUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
  switch (action.type) {
    case 'open': {
      if (state.tabs.some((tab) => tab.path === action.path)) return { ...state, active: action.path };
      // a new tab opens right after the active one, like every editor people know
      const at = state.active ? state.tabs.findIndex((tab) => tab.path === state.active) + 1 : state.tabs.length;
      const tabs = [...state.tabs];
      tabs.splice(at, 0, { path: action.path, dirty: false });
      return { tabs, active: action.path };
    }
    case 'activate':
      return state.tabs.some((tab) => tab.path === action.path) ? { ...state, active: action.path } : state;
    case 'close':
      return closeWhere(state, (path) => path === action.path);
    case 'remove':
      return closeWhere(state, (path) => isAtOrUnder(path, action.path));
    case 'setDirty': {
      const tab = state.tabs.find((candidate) => candidate.path === action.path);
      if (!tab || tab.dirty === action.dirty) return state;
      return {
        ...state,
        tabs: state.tabs.map((candidate) => (candidate === tab ? { ...tab, dirty: action.dirty } : candidate)),
      };
    }
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
      if (from === -1) return state;
      const tabs = [...state.tabs];
      const [tab] = tabs.splice(from, 1);
      if (!tab) return state;
      tabs.splice(Math.max(0, Math.min(action.toIndex, tabs.length)), 0, tab);
      return { ...state, tabs };
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

export const isDirty = (state: TabsState, path: string) => state.tabs.some((tab) => tab.path === path && tab.dirty);
export const dirtyTabs = (state: TabsState) => state.tabs.filter((tab) => tab.dirty).map((tab) => tab.path);
