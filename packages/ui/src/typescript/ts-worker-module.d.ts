// Monaco's worker message loop (it ships without types): ts-worker.ts starts it with the TypeScript worker.
declare module 'monaco-editor/esm/vs/editor/editor.worker.js' {
  /** Starts the worker's message loop with the module the page talks to. */
  export function initialize(create: (ctx: unknown, createData: unknown) => object): void;
}
