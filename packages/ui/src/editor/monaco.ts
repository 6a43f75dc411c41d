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

/** Matches theme.css: same background, same accent, muted gutter. */
monaco.editor.defineTheme('pa-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'comment', foreground: '6b7385', fontStyle: 'italic' },
    { token: 'keyword', foreground: 'c792ea' },
    { token: 'string', foreground: 'a5d6a7' },
    { token: 'number', foreground: 'f7a26b' },
    { token: 'type', foreground: '7fd1e8' },
    { token: 'type.identifier', foreground: '7fd1e8' },
    { token: 'identifier', foreground: 'd7dce4' },
    { token: 'delimiter', foreground: '9aa3b2' },
    { token: 'regexp', foreground: 'f78c6c' },
    { token: 'tag', foreground: 'f07178' },
    { token: 'attribute.name', foreground: 'ffcb6b' },
    { token: 'key', foreground: '82aaff' },
    { token: 'string.key.json', foreground: '82aaff' },
    { token: 'string.value.json', foreground: 'a5d6a7' },
  ],
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
