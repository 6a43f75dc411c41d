// The Monaco model of an opened file: keyed by its file URI (a stale model of the same file is replaced), with the
// language detected from its name; binary files are shown as empty plain text.
import type { ModelFactory } from './documents';
import { languageForPath } from './language';
import { monaco } from './monaco';

export const createFileModel: ModelFactory = (path, text, binary) => {
  const uri = monaco.Uri.from({ scheme: 'file', path: `/${path}` });
  monaco.editor.getModel(uri)?.dispose();
  const language = binary ? 'plaintext' : languageForPath(path, monaco.languages.getLanguages());
  return monaco.editor.createModel(text, language, uri);
};
