// The TypeScript worker's entry, built by Vite as its own chunk and loaded the first time a TS/JS file opens
// (service.ts): Monaco's worker message loop (editor.worker.js) serving project-worker.ts's ProjectWorker — on the
// project's TypeScript, not Monaco's bundled one, which is never loaded. Monaco's `customWorkerPath` loads an
// extension with importScripts, which a module worker (Vite's `worker.format: 'es'`) does not have, so this is the
// worker's entry instead.
import { initialize } from 'monaco-editor/esm/vs/editor/editor.worker.js';
import { ProjectWorker, type WorkerContext, type WorkerCreateData } from './project-worker';

// editor.worker.js (imported above, so evaluated first) set its own handler of the first message; this one replaces it
self.onmessage = () => {
  initialize((ctx, createData) => new ProjectWorker(ctx as WorkerContext, createData as WorkerCreateData));
};
