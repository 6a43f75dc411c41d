// Go to definition's targets as a person means them. Since TypeScript 5.x, `new Documents(…)` answers both the class
// and its constructor: two places, so the editor shows a peek list instead of going there. A definition that lies
// inside another one's declaration (the constructor within its class, in the same file) adds nothing: only the
// outermost of such nested ones is kept, and separate declarations (overloads in other files, merged
// declarations) all stay.

export interface DefinitionEntry {
  fileName: string;
  textSpan: { start: number; length: number };
  /** The whole declaration (the class, the function) around the name `textSpan` covers. */
  contextSpan?: { start: number; length: number };
}

export function outermostDefinitions<T extends DefinitionEntry>(entries: readonly T[]): T[] {
  return entries.filter(
    (entry) =>
      !entries.some(
        (other) =>
          other !== entry &&
          other.fileName === entry.fileName &&
          other.contextSpan !== undefined &&
          contains(other.contextSpan, entry.contextSpan ?? entry.textSpan) &&
          // the same extent both ways (a duplicate): keep the first
          !(
            entry.contextSpan &&
            contains(entry.contextSpan, other.contextSpan) &&
            entries.indexOf(entry) < entries.indexOf(other)
          ),
      ),
  );
}

function contains(outer: { start: number; length: number }, inner: { start: number; length: number }): boolean {
  return outer.start <= inner.start && inner.start + inner.length <= outer.start + outer.length;
}
