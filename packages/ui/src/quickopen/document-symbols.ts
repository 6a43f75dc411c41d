// `@` in quick open: the symbols of the active file from Monaco's TypeScript language service (which also reads
// JavaScript). The workbench leaves that service out at start (a 5 MB worker, monaco.ts says why); it is loaded
// here the first time someone asks for symbols, with only what symbols need: no diagnostics (it would flag every
// import it cannot resolve), no completions or hovers, so the editor behaves as before apart from this picker.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';

export interface DocumentSymbol {
  name: string;
  kind: string;
  /** The enclosing symbol's name (a method's class), empty at the top. */
  container: string;
  line: number;
  column: number;
}

const LANGUAGES = new Set(['typescript', 'javascript']);

type NavigationTree = {
  text: string;
  kind: string;
  spans: Array<{ start: number; length: number }>;
  childItems?: NavigationTree[];
};

let service: Promise<typeof monaco.languages.typescript> | null = null;
const setUp = new Set<string>();

async function loadService(language: string): Promise<typeof monaco.languages.typescript> {
  service ??= (async () => {
    const { default: TsWorker } = await import('monaco-editor/esm/vs/language/typescript/ts.worker?worker');
    const environment = self.MonacoEnvironment;
    const previous = environment?.getWorker?.bind(environment);
    self.MonacoEnvironment = {
      ...environment,
      getWorker(workerId: string, label: string): Worker {
        if (LANGUAGES.has(label)) return new TsWorker();
        if (!previous) throw new Error(`No worker for ${label}`);
        return previous(workerId, label) as Worker;
      },
    };
    await import('monaco-editor/esm/vs/language/typescript/monaco.contribution');
    const ts = monaco.languages.typescript;
    const only: monaco.languages.typescript.ModeConfiguration = {
      documentSymbols: true,
      completionItems: false,
      hovers: false,
      definitions: false,
      references: false,
      documentHighlights: false,
      rename: false,
      diagnostics: false,
      documentRangeFormattingEdits: false,
      signatureHelp: false,
      onTypeFormattingEdits: false,
      codeActions: false,
      inlayHints: false,
    };
    for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
      defaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: true });
      defaults.setModeConfiguration(only);
    }
    // the contribution sets a language up when it is first met; one already open (the active file's) was met before
    // it loaded, so that one is set up here, once
    for (const id of LANGUAGES) monaco.languages.onLanguage(id, () => setUp.add(id));
    return ts;
  })();
  const ts = await service;
  if (!setUp.has(language)) {
    setUp.add(language);
    const mode = await import('monaco-editor/esm/vs/language/typescript/tsMode.js');
    if (language === 'typescript') mode.setupTypeScript(ts.typescriptDefaults);
    else mode.setupJavaScript(ts.javascriptDefaults);
  }
  return ts;
}

/** The symbols of `model`, in document order; null when its language has no symbol service here. */
export async function documentSymbols(model: monaco.editor.ITextModel): Promise<DocumentSymbol[] | null> {
  const language = model.getLanguageId();
  if (!LANGUAGES.has(language)) return null;
  const ts = await loadService(language);
  const getWorker = language === 'typescript' ? ts.getTypeScriptWorker : ts.getJavaScriptWorker;
  const worker = await (await getWorker())(model.uri);
  const tree = (await worker.getNavigationTree(model.uri.toString())) as NavigationTree | undefined;
  const symbols: DocumentSymbol[] = [];
  const visit = (node: NavigationTree, container: string) => {
    const span = node.spans[0];
    if (span && node.kind !== 'script' && node.kind !== 'module') {
      const position = model.getPositionAt(span.start);
      symbols.push({ name: node.text, kind: node.kind, container, line: position.lineNumber, column: position.column });
    }
    const inner = node.kind === 'script' || node.kind === 'module' ? container : node.text;
    for (const child of node.childItems ?? []) visit(child, inner);
  };
  if (tree) visit(tree, '');
  return symbols.sort((a, b) => a.line - b.line || a.column - b.column);
}
