// The Monaco model of an opened file: keyed by its file URI (a stale model of the same file is replaced), with the
// language detected from its name; binary files are shown as empty plain text. Every model keeps its piece-tree change
// buffer short, so typing or pasting a lot into a big file stays as fast as the first edit (change-buffer.ts).
import type * as monaco from 'monaco-editor';
import { keepChangeBufferShort } from './change-buffer';
import type { ModelFactory } from './documents';
import { languageForPath } from './language';

/** The Monaco calls a file model needs; passed in so the factory runs in unit tests, where Monaco has no browser. */
export interface ModelApi {
  Uri: Pick<typeof monaco.Uri, 'from'>;
  editor: Pick<typeof monaco.editor, 'getModel' | 'createModel'>;
  languages: Pick<typeof monaco.languages, 'getLanguages'>;
}

export function fileModelFactory(api: ModelApi): ModelFactory {
  return (path, text, binary) => {
    const uri = api.Uri.from({ scheme: 'file', path: `/${path}` });
    api.editor.getModel(uri)?.dispose();
    const language = binary ? 'plaintext' : languageForPath(path, api.languages.getLanguages());
    const model = api.editor.createModel(text, language, uri);
    keepChangeBufferShort(model);
    return model;
  };
}
