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
// the colour themes (pa-dark, pa-light, pa-hc)
import './themes';

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

export { monaco };
