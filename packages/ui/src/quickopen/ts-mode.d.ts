// The part of Monaco's TypeScript mode module document-symbols.ts calls (it ships without types).
declare module 'monaco-editor/esm/vs/language/typescript/tsMode.js' {
  import type { languages } from 'monaco-editor/esm/vs/editor/editor.api';
  export function setupTypeScript(defaults: languages.typescript.LanguageServiceDefaults): void;
  export function setupJavaScript(defaults: languages.typescript.LanguageServiceDefaults): void;
}
