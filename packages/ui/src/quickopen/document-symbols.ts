// `@` in quick open: the symbols of the active file from Monaco's TypeScript language service (which also reads
// JavaScript), loaded on first use (typescript/service.ts; the typescript feature feeds it the project).
import type * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import { isServiceLanguage, loadTypeScriptService } from '../typescript/service';
import { type NavigationTree, navigationTree } from './navigation-tree';

export interface DocumentSymbol {
  name: string;
  kind: string;
  /** The enclosing symbol's name (a method's class), empty at the top. */
  container: string;
  line: number;
  column: number;
}

/** The symbols of `model`, in document order; null when its language has no symbol service here. */
export async function documentSymbols(model: monaco.editor.ITextModel): Promise<DocumentSymbol[] | null> {
  const language = model.getLanguageId();
  if (!isServiceLanguage(language)) return null;
  const ts = await loadTypeScriptService(language);
  const getWorker = language === 'typescript' ? ts.getTypeScriptWorker : ts.getJavaScriptWorker;
  const tree = await navigationTree(getWorker, model);
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

/** The letter quick open and the Outline draw before a symbol of `kind` (TypeScript's navigation-tree kinds). */
export function symbolGlyph(kind: string): string {
  if (kind === 'class') return 'C';
  if (kind === 'interface') return 'I';
  if (kind === 'function' || kind === 'method' || kind === 'constructor') return 'ƒ';
  if (kind === 'enum') return 'E';
  if (kind === 'type') return 'T';
  if (kind === 'property' || kind === 'getter' || kind === 'setter') return 'P';
  return 'v';
}
