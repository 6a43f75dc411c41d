// What the settings mean for a Monaco editor and for the page: the options every code editor gets (applied when
// it is created and whenever a setting changes), the Monaco theme, and the zoom factor.
import type { Settings } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { MONACO_THEMES } from '../editor/theme-names';
import type { Observable } from '../workbench/observable';

export type EditorSettingsOptions = monaco.editor.IEditorOptions &
  monaco.editor.IGlobalEditorOptions & { theme: string };

export function editorOptionsFrom(settings: Settings): EditorSettingsOptions {
  return {
    // indentation for files whose own cannot be detected (Monaco detects it for the rest)
    tabSize: settings['editor.tabSize'],
    insertSpaces: settings['editor.insertSpaces'],
    theme: MONACO_THEMES[settings['workbench.colorTheme']],
    fontSize: settings['editor.fontSize'],
    lineHeight: Math.round(settings['editor.fontSize'] * 1.55),
    fontFamily: settings['editor.fontFamily'],
    wordWrap: settings['editor.wordWrap'],
    minimap: { enabled: settings['editor.minimap.enabled'] },
    renderWhitespace: settings['editor.renderWhitespace'],
    lineNumbers: settings['editor.lineNumbers'],
    cursorStyle: settings['editor.cursorStyle'],
  };
}

/** Each zoom step is 10 %, as in VS Code's window.zoomLevel (0 is 100 %). */
export function zoomFactor(level: number): number {
  return Math.round((1 + level / 10) * 100) / 100;
}

/** Applies the settings to `editor` now and whenever they change; the result stops it. */
export function followEditorSettings(
  settings: Observable<Settings>,
  editor: { updateOptions(options: EditorSettingsOptions): void },
): () => void {
  editor.updateOptions(editorOptionsFrom(settings.value));
  return settings.subscribe(() => editor.updateOptions(editorOptionsFrom(settings.value)));
}
