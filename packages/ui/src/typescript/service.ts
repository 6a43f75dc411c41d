// Monaco's TypeScript language service (which also serves JavaScript), loaded the first time a feature needs it: the
// contribution and its 7 MB worker are dynamic imports, so the workbench's start-up chunk does not carry them.
// The worker is ours (project-worker.ts, on the project's TypeScript), with the API of Monaco's and completions that
// bring auto-imports. Monaco's own providers serve hover, signature help, highlights, quick fixes and symbols; the
// project-aware ones (diagnostics, definitions, references, rename) and completions are this feature's
// (providers.ts): the former must see the workbench's documents rather than models Monaco would create on its own,
// the latter asks the worker's auto-import methods.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';

export type TypeScriptApi = typeof monaco.languages.typescript;
export type ServiceLanguage = 'typescript' | 'javascript';

export const SERVICE_LANGUAGES: ReadonlySet<string> = new Set<ServiceLanguage>(['typescript', 'javascript']);

const MODE: monaco.languages.typescript.ModeConfiguration = {
  completionItems: false,
  hovers: true,
  documentSymbols: true,
  definitions: false,
  references: false,
  documentHighlights: true,
  rename: false,
  diagnostics: false,
  documentRangeFormattingEdits: true,
  signatureHelp: true,
  onTypeFormattingEdits: true,
  codeActions: true,
  inlayHints: true,
};

let service: Promise<TypeScriptApi> | null = null;
let workerModule: Promise<{ default: new () => Worker }> | null = null;
/** A worker thread started ahead (prestartTypeScriptWorker), handed to Monaco when it first asks for one. */
let prestarted: Worker | null = null;
/** Whether Monaco has asked for a worker yet (after that, a worker started ahead would only be wasted). */
let asked = false;

const loadWorkerModule = () => {
  workerModule ??= import('./ts-worker?worker');
  return workerModule;
};

/**
 * Starts the worker's thread now, before Monaco asks for it: its 7 MB module is fetched, parsed and evaluated (a
 * second or more) while the project streams in from the engine, instead of after. The thread waits for Monaco's
 * first message, which carries the compiler options, so starting it early changes nothing it computes.
 */
export function prestartTypeScriptWorker(): void {
  if (asked || prestarted) return;
  void loadWorkerModule().then(
    ({ default: TsWorker }) => {
      if (!asked && !prestarted) prestarted = new TsWorker();
    },
    () => {
      // the service's own load reports it
    },
  );
}
/** Languages the contribution set up itself (met after it loaded). */
const setUp = new Set<string>();
/** Our own setup of a language met before the contribution loaded: one promise, which every caller waits for. */
const setups = new Map<ServiceLanguage, Promise<void>>();

/** The service, set up for `language`; loads it on the first call. */
export async function loadTypeScriptService(language: ServiceLanguage): Promise<TypeScriptApi> {
  service ??= (async () => {
    const { default: TsWorker } = await loadWorkerModule();
    const environment = self.MonacoEnvironment;
    const previous = environment?.getWorker?.bind(environment);
    self.MonacoEnvironment = {
      ...environment,
      getWorker(workerId: string, label: string): Worker {
        if (SERVICE_LANGUAGES.has(label)) {
          asked = true;
          const worker = prestarted ?? new TsWorker();
          prestarted = null;
          return worker;
        }
        if (!previous) throw new Error(`No worker for ${label}`);
        return previous(workerId, label) as Worker;
      },
    };
    await import('monaco-editor/esm/vs/language/typescript/monaco.contribution');
    const ts = monaco.languages.typescript;
    for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
      defaults.setModeConfiguration(MODE);
      // every open model is visible to the worker, not only the ones a request was made in (other tabs' edits)
      defaults.setEagerModelSync(true);
    }
    // the contribution sets a language up when it is first met; one already open (the active file's) was met before
    // it loaded, so that one is set up here, once
    for (const id of SERVICE_LANGUAGES) monaco.languages.onLanguage(id, () => setUp.add(id));
    return ts;
  })();
  const ts = await service;
  let setup = setups.get(language);
  if (!setup) {
    // a second caller arriving while the first still loads tsMode must wait for it too: asking for the worker
    // before the language is set up never answers (quick open's `@` right after the first TS file opened)
    setup = setUp.has(language)
      ? Promise.resolve()
      : (async () => {
          setUp.add(language);
          const mode = await import('monaco-editor/esm/vs/language/typescript/tsMode.js');
          if (language === 'typescript') mode.setupTypeScript(ts.typescriptDefaults);
          else mode.setupJavaScript(ts.javascriptDefaults);
        })();
    setups.set(language, setup);
  }
  await setup;
  return ts;
}

export function isServiceLanguage(language: string): language is ServiceLanguage {
  return SERVICE_LANGUAGES.has(language);
}
