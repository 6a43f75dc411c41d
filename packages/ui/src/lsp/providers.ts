// Monaco's hover, definition, references, rename, outline and formatting for the languages of one running server,
// answered by the engine's lsp.* calls. Registered while the server runs; disposing removes them.
import { type Disposable, DisposableStore, type EngineClient, type LspFeatures, type LspLanguage } from '@pa/shared';
import { monaco } from '../editor/monaco';
import { toDocumentSymbol, toLspPosition, toMonacoEdit, toMonacoRange } from './translate';

export interface ProviderHost {
  client: EngineClient;
  /** The model of a workspace file, opening it as a document when no tab shows it (a rename's other files). */
  openDocument(path: string): Promise<monaco.editor.ITextModel | null>;
}

/**
 * A lookup that failed (the server timed out, restarts, or is gone) is no answer, like an empty one: Monaco would
 * report a rejected provider as an unexpected error. The server's state is in the status bar.
 */
async function quietly<T>(lookup: () => Promise<T>, none: T): Promise<T> {
  try {
    return await lookup();
  } catch {
    return none;
  }
}

const pathOf = (model: monaco.editor.ITextModel) => model.uri.path.replace(/^\//, '');
const uriOf = (path: string) => monaco.Uri.from({ scheme: 'file', path: `/${path}` });

export function registerProviders(
  language: LspLanguage,
  languageIds: string[],
  features: LspFeatures,
  host: ProviderHost,
): Disposable {
  const store = new DisposableStore();
  const { client } = host;
  const at = (model: monaco.editor.ITextModel, position: monaco.Position) => ({
    language,
    path: pathOf(model),
    position: toLspPosition(position),
  });
  const locations = (found: { path: string; range: Parameters<typeof toMonacoRange>[0] }[]) =>
    found.map((location) => ({ uri: uriOf(location.path), range: toMonacoRange(location.range) }));

  for (const id of languageIds) {
    if (features.hover) {
      store.add(
        monaco.languages.registerHoverProvider(id, {
          provideHover: async (model, position) => {
            const hover = await quietly(async () => (await client.call('lsp.hover', at(model, position))).hover, null);
            if (!hover) return null;
            const answer: monaco.languages.Hover = { contents: [{ value: hover.markdown }] };
            if (hover.range) answer.range = toMonacoRange(hover.range);
            return answer;
          },
        }),
      );
    }
    if (features.definition) {
      store.add(
        monaco.languages.registerDefinitionProvider(id, {
          provideDefinition: (model, position) =>
            quietly(async () => locations((await client.call('lsp.definition', at(model, position))).locations), []),
        }),
      );
    }
    if (features.references) {
      store.add(
        monaco.languages.registerReferenceProvider(id, {
          provideReferences: (model, position) =>
            quietly(async () => locations((await client.call('lsp.references', at(model, position))).locations), []),
        }),
      );
    }
    if (features.rename) {
      store.add(
        monaco.languages.registerRenameProvider(id, {
          provideRenameEdits: async (model, position, newName) => {
            const { edit } = await client.call('lsp.rename', { ...at(model, position), newName });
            const edits: monaco.languages.IWorkspaceTextEdit[] = [];
            for (const change of edit.changes) {
              // Monaco applies a workspace edit only to models it has: open the other files as documents first
              const target = await host.openDocument(change.path);
              if (!target) continue;
              for (const textEdit of change.edits) {
                edits.push({ resource: target.uri, versionId: undefined, textEdit: toMonacoEdit(textEdit) });
              }
            }
            return { edits };
          },
        }),
      );
    }
    if (features.documentSymbol) {
      store.add(
        monaco.languages.registerDocumentSymbolProvider(id, {
          displayName: `${language} language server`,
          provideDocumentSymbols: (model) =>
            quietly(
              async () =>
                (await client.call('lsp.symbols', { language, path: pathOf(model) })).symbols.map(toDocumentSymbol),
              [],
            ),
        }),
      );
    }
    if (features.formatting) {
      store.add(
        monaco.languages.registerDocumentFormattingEditProvider(id, {
          displayName: `${language} language server`,
          provideDocumentFormattingEdits: async (model, options) =>
            (
              await client.call('lsp.format', {
                language,
                path: pathOf(model),
                tabSize: Math.min(16, Math.max(1, options.tabSize)),
                insertSpaces: options.insertSpaces,
              })
            ).edits.map(toMonacoEdit),
        }),
      );
    }
  }
  return store;
}
