import { describe, expect, it } from 'vitest';
import { isLibFile, type MirrorModel, ProjectWorker } from './project-worker';

function mirror(uri: string, text: string, version = 1): MirrorModel {
  return { uri: { toString: () => uri }, version, getValue: () => text };
}

function worker(models: MirrorModel[], files: Record<string, string>, options = {}) {
  const extraLibs = Object.fromEntries(Object.entries(files).map(([name, content]) => [name, { content, version: 1 }]));
  return new ProjectWorker(
    { getMirrorModels: () => models },
    { compilerOptions: { target: 9, module: 99, moduleResolution: 100, strict: true, ...options }, extraLibs },
  );
}

const types = 'export interface Point { x: number; y: number }\nexport const origin: Point = { x: 0, y: 0 };\n';

describe('ProjectWorker', () => {
  it('runs the installed TypeScript, with its lib files', async () => {
    const ts = (await import('typescript')).default;
    expect(ts.versionMajorMinor).toBe(
      (await import('typescript/package.json')).version.split('.').slice(0, 2).join('.'),
    );
    const w = worker([], {});
    expect(w.getDefaultLibFileName({ target: 9 })).toBe('lib.es2022.full.d.ts');
    expect(w.getDefaultLibFileName({ target: 99 })).toBe('lib.esnext.full.d.ts');
    expect(isLibFile('file:///lib.dom.d.ts')).toBe(true);
    expect(isLibFile('file:///src/lib.dom.d.ts')).toBe(false);
    expect((await w.getLibFiles())['lib.es5.d.ts']).toContain('interface Array<T>');
    // a `lib` option may name a lib bare
    expect(w.readFile('dom')).toContain('interface Document');
  });

  it('answers across files: hover, definition, diagnostics as plain data', async () => {
    const main = 'file:///src/main.ts';
    const text = "import { origin } from './types';\nconst n: string = origin.x;\n";
    const w = worker([mirror(main, text)], { 'file:///src/types.ts': types });
    const info = await w.getQuickInfoAtPosition(main, text.indexOf('origin.x') + 1);
    expect(info?.displayParts?.map((part) => part.text).join('')).toContain('Point');
    const definition = await w.getDefinitionAtPosition(main, text.indexOf('origin.x') + 1);
    expect(definition?.[0]?.fileName).toBe('file:///src/types.ts');
    const diagnostics = await w.getSemanticDiagnostics(main);
    expect(diagnostics.map((d) => d.code)).toEqual([2322]);
    // structured-clone safe: the file by name only
    expect(diagnostics[0]?.file).toEqual({ fileName: main });
    expect(() => structuredClone(diagnostics)).not.toThrow();
    expect(await w.getSemanticDiagnostics('file:///lib.dom.d.ts')).toEqual([]);
  });

  it('checks the statements of a region on their own, and the whole file otherwise', async () => {
    const main = 'file:///src/long.ts';
    const lines = [
      'const early: string = 1;',
      ...Array.from({ length: 200 }, (_, i) => `export function f${i}(a: number): number { return a + ${i}; }`),
      'const late: number = "x";',
    ];
    const text = lines.join('\n');
    const w = worker([mirror(main, text)], {});
    const start = text.indexOf('const late');
    const region = await w.getRegionSemanticDiagnostics(main, [{ pos: start, end: text.length }]);
    expect(region).not.toBeNull();
    // only the late error: the early one is outside what was checked
    expect(region?.diagnostics.map((d) => d.start)).toEqual([start + 'const '.length]);
    expect(region?.spans.every((span) => span.start >= text.indexOf('export function f199'))).toBe(true);
    const whole = await w.getSemanticDiagnostics(main);
    expect(whole).toHaveLength(2);
    // once the whole file's check is cached, a region check adds nothing: null, the caller uses the whole
    expect(await w.getRegionSemanticDiagnostics(main, [{ pos: start, end: text.length }])).toBeNull();
    expect(await w.getRegionSemanticDiagnostics(main, [])).toBeNull();
  });

  it('offers auto-imports under bundler resolution with no baseUrl or paths (TypeScript 5.9 needs a paths base)', async () => {
    const main = 'file:///src/main.ts';
    const text = 'export const reduced = tabsRed';
    const w = worker([mirror(main, text)], {
      'file:///src/tabs.ts': 'export function tabsReducer(a: number) { return a; }\n',
    });
    const info = await w.getCompletionsWithAutoImports(main, text.length, {});
    const entry = info?.entries.find((candidate) => candidate.name === 'tabsReducer');
    expect(entry?.source).toBe('./tabs');
    const details = await w.getCompletionDetailsWithAutoImports(main, text.length, entry ?? { name: '' }, {});
    expect(details?.codeActions?.[0]?.changes[0]?.textChanges[0]?.newText).toContain(
      'import { tabsReducer } from "./tabs"',
    );
  });

  it('keeps the root names stable as models open over project files', () => {
    const file = 'file:///src/types.ts';
    const models: MirrorModel[] = [];
    const w = worker(models, { [file]: types, 'file:///src/other.ts': 'export {};' });
    const before = w.getScriptFileNames();
    models.push(mirror(file, types), mirror('file:///lib.dom.d.ts', ''));
    expect(w.getScriptFileNames()).toEqual(before);
    models.push(mirror('file:///untitled.ts', ''));
    expect(w.getScriptFileNames()).toEqual([...before, 'file:///untitled.ts']);
  });

  it('an open model wins over the project text, and versions follow it', () => {
    const file = 'file:///src/types.ts';
    const w = worker([mirror(file, 'export const edited = 1;', 7)], { [file]: types });
    expect(w.readFile(file)).toBe('export const edited = 1;');
    expect(w.getScriptVersion(file)).toBe('7');
    expect(w.getScriptVersion('file:///missing.ts')).toBe('');
    expect(w.fileExists('file:///missing.ts')).toBe(false);
  });
});
