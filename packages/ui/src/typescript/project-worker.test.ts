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
    // nothing open imports tabs.ts: completions take the whole project, so its exports are offered
    const info = await w.getCompletionsWithAutoImports(main, text.length, {});
    const entry = info?.entries.find((candidate) => candidate.name === 'tabsReducer');
    expect(entry?.source).toBe('./tabs');
    const details = await w.getCompletionDetailsWithAutoImports(main, text.length, entry ?? { name: '' }, {});
    expect(details?.codeActions?.[0]?.changes[0]?.textChanges[0]?.newText).toContain(
      'import { tabsReducer } from "./tabs"',
    );
  });

  it('starts from the open files and what they import, then takes the whole project', async () => {
    const main = 'file:///src/main.ts';
    const text = "import { origin } from './types';\nexport const x = origin.x;\n";
    const models: MirrorModel[] = [mirror(main, text)];
    const w = worker(models, {
      'file:///src/types.ts': types,
      'file:///src/other.ts': 'export const other = 1;\n',
      'file:///src/globals.d.ts': 'declare const BUILD_ID: string;\n',
      'file:///node_modules/pkg/index.d.ts': 'export declare const pkg: number;\n',
    });
    // Monaco lists the worker's methods by reading every property (editor.worker's getAllMethodNames): that must
    // neither build a program nor take the whole project
    for (
      let proto = Object.getPrototypeOf(w);
      proto && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)
    )
      for (const name of Object.getOwnPropertyNames(proto)) void typeof (w as unknown as Record<string, unknown>)[name];
    expect(w.getScriptFileNames()).toEqual(['file:///src/globals.d.ts']);
    const program = () => (w.getLanguageService().getProgram()?.getSourceFiles() ?? []).map((file) => file.fileName);
    expect(await w.getQuickInfoAtPosition(main, text.indexOf('origin.x') + 1)).toBeDefined();
    // the open file, what it imports and the project's own declarations; not the unrelated file nor the package
    expect(w.getScriptFileNames()).toEqual(['file:///src/globals.d.ts', main]);
    expect(program()).toEqual(expect.arrayContaining([main, 'file:///src/types.ts', 'file:///src/globals.d.ts']));
    expect(program()).not.toContain('file:///src/other.ts');
    // opening a file the program already reached adds no root (the program's structure is kept)
    models.push(mirror('file:///src/types.ts', types), mirror('file:///lib.dom.d.ts', ''));
    expect(await w.getQuickInfoAtPosition('file:///src/types.ts', types.indexOf('origin'))).toBeDefined();
    expect(w.getScriptFileNames()).toEqual(['file:///src/globals.d.ts', main]);
    // a file nothing imports becomes a root when it opens, so requests about it are answered
    const other = 'file:///src/other.ts';
    models.push(mirror(other, 'export const other = 1;\n'));
    expect(await w.getQuickInfoAtPosition(other, 'export const '.length + 1)).toBeDefined();
    expect(w.getScriptFileNames()).toEqual(['file:///src/globals.d.ts', main, other]);
    // references see every file: they take the whole project, whose roots stay stable as models open and close
    const uses = 'file:///src/uses.ts';
    const w2 = worker(models, {
      'file:///src/types.ts': types,
      [uses]: "import { origin } from './types';\nexport const y = origin.y;\n",
    });
    expect(w2.getScriptFileNames()).toEqual([]);
    expect(await w2.loadWholeProject()).toBeGreaterThan(2);
    expect(w2.getScriptFileNames()).toEqual(expect.arrayContaining([uses, main, other]));
    const w3 = worker(models, {
      'file:///src/types.ts': types,
      [uses]: "import { origin } from './types';\nexport const y = origin.y;\n",
    });
    const references = await w3.getReferencesAtPosition('file:///src/types.ts', types.indexOf('origin'));
    expect(references?.map((reference) => reference.fileName)).toContain(uses);
    const before = w3.getScriptFileNames();
    models.push(mirror('file:///untitled.ts', ''));
    expect(w3.getScriptFileNames()).toEqual([...before, 'file:///untitled.ts']);
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
