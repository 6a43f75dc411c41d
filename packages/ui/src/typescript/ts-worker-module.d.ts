// The part of Monaco's TypeScript worker module ts-worker.ts extends (it ships without types).
declare module 'monaco-editor/esm/vs/language/typescript/ts.worker.js' {
  import type * as ts from 'typescript';
  export class TypeScriptWorker {
    constructor(ctx: unknown, createData: unknown);
    getLanguageService(): ts.LanguageService;
    /** The models' names (URI strings) and the extra libs' (file:/// names). */
    getScriptFileNames(): string[];
    /** The extra libs by file:/// name (the project's files and typings the controller sends). */
    getExtraLibs(): Record<string, { content: string; version: number }>;
  }
  /** Starts the worker's message loop with the module the page talks to. */
  export function initialize(create: (ctx: unknown, createData: unknown) => object): void;
}
