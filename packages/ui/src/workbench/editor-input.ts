// Tabs hold workspace-relative file paths. An editor a feature contributes (settings, keyboard shortcuts, a preview)
// is a tab too, named by a path no file can have: it starts with "/" (file paths from the engine never do), then
// the editor's id and the resource it shows, e.g. "/settings/" or "/markdown.preview/docs/README.md". The engine
// keeps such tabs in the hot-exit session without resolving them (EDITOR_TAB_PATH).
import { EDITOR_TAB_PATH } from '@pa/shared';

export interface EditorTab {
  editorId: string;
  /** What the editor shows (a file path, a settings scope…), '' when it shows one thing only. */
  resource: string;
}

/** The tab path of a contributed editor showing `resource`. */
export function editorTabPath(editorId: string, resource = ''): string {
  const path = `/${editorId}/${resource}`;
  if (!/^[a-z][\w.-]*$/.test(editorId) || !EDITOR_TAB_PATH.test(path)) {
    throw new Error(`An editor id starts with a lower-case letter, then letters, digits, '.', '_' or '-': ${editorId}`);
  }
  return path;
}

/** The contributed editor a tab path names, or null for a file's tab. */
export function parseEditorTab(path: string): EditorTab | null {
  const match = EDITOR_TAB_PATH.exec(path);
  return match ? { editorId: match[1] as string, resource: match[2] as string } : null;
}

export const isFileTab = (path: string): boolean => !path.startsWith('/');
