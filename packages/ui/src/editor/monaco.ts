// Monaco, loaded from node_modules with its workers bundled by Vite (no CDN: the app works offline). Only the
// editor core, the tokenisers of every basic language and the JSON/CSS services are loaded; the TypeScript
// service (a 5 MB worker that would flag every import it cannot resolve) is left out.
import 'monaco-editor/esm/vs/editor/edcore.main';
import 'monaco-editor/esm/vs/basic-languages/monaco.contribution';
import 'monaco-editor/esm/vs/language/json/monaco.contribution';
import 'monaco-editor/esm/vs/language/css/monaco.contribution';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import CssWorker from 'monaco-editor/esm/vs/language/css/css.worker?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'json') return new JsonWorker();
    if (label === 'css' || label === 'scss' || label === 'less') return new CssWorker();
    return new EditorWorker();
  },
};

// Monaco cancels a model's pending work (word highlight, links, folding) when the editor switches or disposes the
// model, and some of those promises reject with its CancellationError where nothing awaits them. They are
// expected, not failures: keep them out of the console and error reports.
self.addEventListener('unhandledrejection', (event) => {
  const reason: unknown = event.reason;
  if (reason instanceof Error && reason.name === 'Canceled' && reason.message === 'Canceled') event.preventDefault();
});

/** Token colours of the dark theme (hex without #), by Monaco token type; comments are also italic. */
const TOKEN_COLOURS: Record<string, string> = {
  comment: '6b7385',
  keyword: 'c792ea',
  string: 'a5d6a7',
  number: 'f7a26b',
  type: '7fd1e8',
  'type.identifier': '7fd1e8',
  identifier: 'd7dce4',
  delimiter: '9aa3b2',
  regexp: 'f78c6c',
  tag: 'f07178',
  'attribute.name': 'ffcb6b',
  key: '82aaff',
  'string.key.json': '82aaff',
  'string.value.json': 'a5d6a7',
};

/** Matches theme.css: same background, same accent, muted gutter. */
monaco.editor.defineTheme('pa-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: Object.entries(TOKEN_COLOURS).map(([token, foreground]) =>
    token === 'comment' ? { token, foreground, fontStyle: 'italic' } : { token, foreground },
  ),
  colors: {
    'editor.background': '#16181d',
    'editor.foreground': '#d7dce4',
    'editorLineNumber.foreground': '#4a5060',
    'editorLineNumber.activeForeground': '#aab2c0',
    'editor.lineHighlightBackground': '#1d2027',
    'editor.lineHighlightBorder': '#00000000',
    'editor.selectionBackground': '#2f4a7a',
    'editor.inactiveSelectionBackground': '#26334d',
    'editorCursor.foreground': '#7aa7ff',
    'editorIndentGuide.background1': '#252932',
    'editorIndentGuide.activeBackground1': '#3a4050',
    'editorWhitespace.foreground': '#2d323c',
    'editorWidget.background': '#1c1f26',
    'editorWidget.border': '#2b2f38',
    'editorSuggestWidget.background': '#1c1f26',
    'editorSuggestWidget.border': '#2b2f38',
    'editorSuggestWidget.selectedBackground': '#2a3550',
    'editorGutter.background': '#16181d',
    'scrollbarSlider.background': '#ffffff14',
    'scrollbarSlider.hoverBackground': '#ffffff24',
    'scrollbarSlider.activeBackground': '#ffffff30',
    'minimap.background': '#16181d',
    'editorOverviewRuler.border': '#00000000',
    focusBorder: '#00000000',
  },
});

export { monaco };
