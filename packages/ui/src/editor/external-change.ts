// What an open document does when the watcher reports a change made outside the editor.
import type { FileChange } from '@pa/shared';

export type ExternalChangeAction =
  /** unmodified in the editor: take the disk version (keeping the cursor) */
  | 'reload'
  /** modified in the editor: keep the user's text and show a warning bar (Reload / Keep mine) */
  | 'warnChanged'
  /** gone from disk: keep the tab and say so; saving recreates the file */
  | 'warnDeleted';

export function externalChangeAction(kind: FileChange['kind'], dirty: boolean): ExternalChangeAction {
  if (kind === 'deleted') return 'warnDeleted';
  return dirty ? 'warnChanged' : 'reload';
}
