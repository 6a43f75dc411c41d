// Picks a Monaco language id for a file from the languages registry (extensions and exact file names), so the
// editor knows a Dockerfile and `.d.ts` without a table of our own.

/** The slice of monaco.languages.ILanguageExtensionPoint this needs. */
export interface LanguageDescriptor {
  id: string;
  extensions?: string[];
  filenames?: string[];
}

export function languageForPath(path: string, languages: readonly LanguageDescriptor[]): string {
  const name = (path.split('/').pop() ?? path).toLowerCase();
  for (const language of languages) {
    if (language.filenames?.some((file) => file.toLowerCase() === name)) return language.id;
  }
  // the longest matching extension wins: `.d.ts` beats `.ts`, `.spec.js` beats `.js`
  let best: { id: string; length: number } | null = null;
  for (const language of languages) {
    for (const extension of language.extensions ?? []) {
      const ext = extension.toLowerCase();
      if (name.endsWith(ext) && name.length > ext.length - 1 && (!best || ext.length > best.length)) {
        best = { id: language.id, length: ext.length };
      }
    }
  }
  return best?.id ?? 'plaintext';
}

/** A human label for the status bar (`typescript` → `TypeScript` when the registry gives aliases). */
export function languageLabel(
  id: string,
  languages: ReadonlyArray<LanguageDescriptor & { aliases?: string[] }>,
): string {
  const alias = languages.find((language) => language.id === id)?.aliases?.[0];
  return alias ?? (id === 'plaintext' ? 'Plain Text' : id);
}
