import { describe, expect, it } from 'vitest';
import { stableScriptFileNames } from './script-names';

describe('stableScriptFileNames', () => {
  const libs = ['file:///src/a.ts', 'file:///src/b.ts', 'file:///node_modules/x/index.d.ts'];

  it('is the same list whether a project file is open as a model or not', () => {
    const closed = stableScriptFileNames(libs, [...libs]);
    const open = stableScriptFileNames(libs, ['file:///src/b.ts', ...libs]);
    expect(open).toEqual(closed);
    expect(closed).toEqual(libs);
  });

  it('adds a model that is not a project file after the libs, once', () => {
    const names = stableScriptFileNames(libs, [
      'inmemory://model/1',
      'file:///src/a.ts',
      ...libs,
      'inmemory://model/1',
    ]);
    expect(names).toEqual([...libs, 'inmemory://model/1']);
  });
});
