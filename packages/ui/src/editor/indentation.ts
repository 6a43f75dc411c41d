// How the status bar names a file's indentation, the way VS Code does: "Spaces: 2" or "Tab Size: 4". Monaco detects
// it from the text when the model is created (detectIndentation); this only words the model's options.
import type { monaco } from './monaco';

export function indentationLabel(
  options: Pick<monaco.editor.TextModelResolvedOptions, 'insertSpaces' | 'indentSize' | 'tabSize'>,
): string {
  return options.insertSpaces ? `Spaces: ${options.indentSize}` : `Tab Size: ${options.tabSize}`;
}
