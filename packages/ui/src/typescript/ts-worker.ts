// The editor's TypeScript worker: Monaco's own (its TypeScriptWorker, every method Monaco's adapters call), with
// root file names kept stable as tabs open and close (script-names.ts), directories listed from its files (for import
// paths), and the two methods the completion provider (providers.ts) calls, which ask TypeScript with the preferences
// that bring auto-imports and import-statement completions (Monaco's worker asks with none). Monaco's
// `customWorkerPath` loads its extension with importScripts, which a module worker (Vite's `worker.format: 'es'`)
// does not have, so this is the worker's entry instead: built by Vite as its own chunk, loaded the first time a TS/JS
// file opens (service.ts).
import { initialize, TypeScriptWorker } from 'monaco-editor/esm/vs/language/typescript/ts.worker.js';
import type * as ts from 'typescript';
import { type AutoImportWorkerApi, COMPLETION_PREFERENCES, directoryEntries, type EntryRef } from './auto-import';
import { stableScriptFileNames } from './script-names';

export class AutoImportWorker extends TypeScriptWorker implements AutoImportWorkerApi {
  /** The project's files first, then models that are not among them: a tab opening or closing keeps the list. */
  override getScriptFileNames(): string[] {
    return stableScriptFileNames(Object.keys(this.getExtraLibs()), super.getScriptFileNames());
  }

  // ---- language service host: directories, for module paths in import strings (`from './|'`) ----

  readDirectory(
    path: string,
    extensions?: readonly string[],
    _exclude?: readonly string[],
    include?: readonly string[],
    depth?: number,
  ): string[] {
    const shallow = depth === 1 || include?.every((pattern) => pattern === './*') === true;
    return directoryEntries(this.getScriptFileNames(), path, extensions, shallow).files;
  }

  getDirectories(path: string): string[] {
    return directoryEntries(this.getScriptFileNames(), path, undefined, true).directories;
  }

  // ---- completions ----

  async getCompletionsWithAutoImports(
    fileName: string,
    offset: number,
    options: ts.GetCompletionsAtPositionOptions,
  ): Promise<ts.CompletionInfo | undefined> {
    const info = this.getLanguageService().getCompletionsAtPosition(fileName, offset, {
      ...COMPLETION_PREFERENCES,
      triggerKind: options.triggerKind,
      triggerCharacter: options.triggerCharacter,
    });
    // only what the provider reads crosses to the page (no symbols, which do not survive structured clone)
    return info && { ...info, entries: info.entries.map(({ symbol: _symbol, ...entry }) => entry) };
  }

  async getCompletionDetailsWithAutoImports(
    fileName: string,
    offset: number,
    entry: EntryRef,
    formatOptions: ts.FormatCodeSettings,
  ): Promise<ts.CompletionEntryDetails | undefined> {
    return this.getLanguageService().getCompletionEntryDetails(
      fileName,
      offset,
      entry.name,
      formatOptions,
      entry.source,
      COMPLETION_PREFERENCES,
      entry.data,
    );
  }
}

// ts.worker.js (imported above, so evaluated first) set its own handler of the first message; this one replaces it
self.onmessage = () => {
  initialize((ctx, createData) => new AutoImportWorker(ctx, createData));
};
