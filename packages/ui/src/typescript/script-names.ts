// The TypeScript worker's root file names, kept stable while tabs open and close. Monaco's worker lists its open
// models first and then its extra libs (the project's files), so a tab opening a project file adds a name (the
// model and the lib share it) and closing it takes one away: TypeScript then sees other root names, cannot reuse
// the program's structure and resolves every import of every file again before its next answer (the 0.2-0.6 s
// answers after each F12 in bench ts_intelligence's PA_BENCH_TRACE, 490 files, loaded machine). Listing the libs
// first and only the models that are not libs after them leaves the list as it was: the opened file is then just a
// new version of one file. For the worker's entry (ts-worker.ts): `getScriptFileNames() { return
// stableScriptFileNames(Object.keys(this.getExtraLibs()), super.getScriptFileNames()); }`.

/** `libs`: the extra libs' names in their order; `names`: what Monaco's worker lists (models, then libs). */
export function stableScriptFileNames(libs: readonly string[], names: readonly string[]): string[] {
  const known = new Set(libs);
  const result = [...libs];
  for (const name of names) {
    if (known.has(name)) continue;
    known.add(name);
    result.push(name);
  }
  return result;
}
