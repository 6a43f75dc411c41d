import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  COMPLETION_PREFERENCES,
  completionOptions,
  directoryEntries,
  formatSettings,
  kindOf,
  leftTheWord,
  resolvedParts,
  toItemParts,
} from './auto-import';
import { workspacePathOf } from './worker-paths';

/** Offsets of `text` as Monaco positions (1-based lines and columns). */
function positionsOf(text: string): (offset: number) => { lineNumber: number; column: number } {
  return (offset) => {
    const before = text.slice(0, offset).split('\n');
    return { lineNumber: before.length, column: (before.at(-1) ?? '').length + 1 };
  };
}

const MAIN = 'file:///src/main.ts';
const word = (line: number, start: number, end: number) => ({
  startLineNumber: line,
  startColumn: start,
  endLineNumber: line,
  endColumn: end,
});

describe('toItemParts', () => {
  const at = { lineNumber: 3, column: 10 };
  const positionAt = positionsOf('a\nb\nconst x = tabsRed');

  it('shows an auto-import with its module beside the name and in the detail', () => {
    const parts = toItemParts(
      {
        name: 'tabsReducer',
        kind: ts.ScriptElementKind.functionElement,
        kindModifiers: 'export',
        sortText: '16',
        source: './tabs',
        sourceDisplay: [{ text: './tabs', kind: 'text' }],
        hasAction: true,
        data: { exportName: 'tabsReducer', fileName: 'file:///src/tabs.ts', moduleSpecifier: './tabs' },
      },
      at,
      word(3, 11, 10),
      positionAt,
      workspacePathOf,
    );
    expect(parts.label).toEqual({ label: 'tabsReducer', description: './tabs' });
    expect(parts.detail).toBe("Auto import from './tabs'");
    expect(parts.kind).toBe('Function');
    expect(parts.insertText).toBe('tabsReducer');
    expect(parts.ref).toEqual({
      name: 'tabsReducer',
      source: './tabs',
      data: { exportName: 'tabsReducer', fileName: 'file:///src/tabs.ts', moduleSpecifier: './tabs' },
    });
  });

  it('names the exporting file while TypeScript has not resolved the module specifier yet', () => {
    const parts = toItemParts(
      {
        name: 'tabsReducer',
        kind: ts.ScriptElementKind.functionElement,
        kindModifiers: 'export',
        sortText: '16',
        source: 'file:///src/tabs',
        hasAction: true,
        // not resolved yet: TypeScript's key into its export map instead of the specifier
        data: {
          exportName: 'tabsReducer',
          fileName: 'file:///src/tabs.ts',
          exportMapKey: '1 tabsReducer',
        } as ts.CompletionEntryData,
      },
      at,
      word(3, 11, 10),
      positionAt,
      workspacePathOf,
    );
    expect(parts.label.description).toBe('src/tabs.ts');
  });

  it('keeps a local symbol plain, marks deprecated ones and takes snippets and filter text as given', () => {
    const local = toItemParts(
      { name: 'origin', kind: ts.ScriptElementKind.constElement, kindModifiers: '', sortText: '11' },
      at,
      word(3, 11, 10),
      positionAt,
      workspacePathOf,
    );
    expect(local.label).toEqual({ label: 'origin' });
    expect(local.detail).toBeUndefined();
    expect(local.kind).toBe('Constant');
    expect(local.deprecated).toBe(false);
    const old = toItemParts(
      {
        name: 'escape',
        kind: ts.ScriptElementKind.functionElement,
        kindModifiers: 'deprecated,declare',
        sortText: 'z15',
        insertText: 'import { escape$1 } from "x";',
        isSnippet: true,
        filterText: 'escape',
      },
      at,
      word(3, 11, 10),
      positionAt,
      workspacePathOf,
    );
    expect(old.deprecated).toBe(true);
    expect(old.snippet).toBe(true);
    expect(old.insertText).toBe('import { escape$1 } from "x";');
    expect(old.filterText).toBe('escape');
  });

  it("replaces an entry's own span on the cursor's line, inserting up to the cursor", () => {
    const text = "import { a } from './ta.ts';";
    const positionAt = positionsOf(text);
    const cursor = { lineNumber: 1, column: 25 }; // after './ta'
    const entry = {
      name: 'tabs',
      kind: ts.ScriptElementKind.scriptElement,
      kindModifiers: '.ts',
      sortText: '11',
      replacementSpan: { start: text.indexOf('./ta'), length: './ta.ts'.length },
    };
    expect(toItemParts(entry, cursor, word(1, 23, 25), positionAt, workspacePathOf).range).toEqual({
      insert: word(1, 20, 25),
      replace: word(1, 20, 27),
    });
    // a span on another line is not something Monaco takes: the word is replaced instead
    const far = { ...entry, replacementSpan: { start: 0, length: 3 } };
    expect(toItemParts(far, { lineNumber: 2, column: 3 }, word(2, 1, 3), positionAt, workspacePathOf).range).toEqual(
      word(2, 1, 3),
    );
  });

  it('maps kinds as VS Code does, unknown ones to Property', () => {
    expect(kindOf('directory')).toBe('Folder');
    expect(kindOf('external module name')).toBe('Module');
    expect(kindOf('method')).toBe('Method');
    expect(kindOf('something new')).toBe('Property');
  });

  it("turns Monaco's trigger kinds into TypeScript's, passing only the characters TypeScript knows", () => {
    expect(completionOptions(0, undefined)).toEqual({ triggerKind: 1 });
    expect(completionOptions(1, '/')).toEqual({ triggerKind: 2, triggerCharacter: '/' });
    expect(completionOptions(1, '(')).toEqual({ triggerKind: 2 });
    expect(completionOptions(2, undefined)).toEqual({ triggerKind: 3 });
  });
});

describe('resolvedParts', () => {
  const text = "import { distance } from './shapes';\n\nconst m = midpo";
  const positionAt = positionsOf(text);

  it("turns the entry's code action into edits of the document, with signature and docs", () => {
    const start = text.indexOf('distance') + 'distance'.length;
    const resolved = resolvedParts(
      {
        name: 'midpoint',
        kind: ts.ScriptElementKind.functionElement,
        kindModifiers: 'export',
        displayParts: [{ text: 'function midpoint(a: Point, b: Point): Point', kind: 'text' }],
        documentation: [{ text: 'The point halfway.', kind: 'text' }],
        tags: [
          {
            name: 'param',
            text: [
              { text: 'a', kind: 'parameterName' },
              { text: ' one end', kind: 'text' },
            ],
          },
        ],
        sourceDisplay: [{ text: './shapes', kind: 'text' }],
        codeActions: [
          {
            description: 'Update import from "./shapes"',
            changes: [{ fileName: MAIN, textChanges: [{ span: { start, length: 0 }, newText: ', midpoint' }] }],
          },
        ],
      },
      MAIN,
      positionAt,
    );
    expect(resolved.detail).toBe('function midpoint(a: Point, b: Point): Point');
    expect(resolved.documentation).toBe("Auto import from './shapes'\n\nThe point halfway.\n\n*@param*`a` — one end");
    expect(resolved.additionalTextEdits).toEqual([{ range: word(1, 18, 18), text: ', midpoint' }]);
  });

  it('hostile: an action that changes another file (or makes one) is not applied at all, and the docs say so', () => {
    const resolved = resolvedParts(
      {
        name: 'evil',
        kind: ts.ScriptElementKind.functionElement,
        kindModifiers: 'export',
        displayParts: [{ text: 'function evil(): void', kind: 'text' }],
        sourceDisplay: [{ text: './evil', kind: 'text' }],
        codeActions: [
          {
            description: 'Add import from "./evil"',
            changes: [
              {
                fileName: MAIN,
                textChanges: [{ span: { start: 0, length: 0 }, newText: "import { evil } from './evil';\n" }],
              },
              { fileName: 'file:///src/evil.ts', textChanges: [{ span: { start: 0, length: 0 }, newText: 'export ' }] },
            ],
          },
          {
            description: 'Create a file',
            changes: [
              { fileName: MAIN, isNewFile: true, textChanges: [{ span: { start: 0, length: 0 }, newText: 'x' }] },
            ],
          },
        ],
      },
      MAIN,
      positionAt,
    );
    expect(resolved.additionalTextEdits).toEqual([]);
    expect(resolved.documentation).toContain(
      '*Not applied:* Add import from "./evil" — it would change other files (file:///src/evil.ts).',
    );
    expect(resolved.documentation).toContain('*Not applied:* Create a file');
  });
});

/**
 * The preferences against TypeScript itself (the package's, newer than the worker's 5.4 but the same API): a
 * language service over file:/// names, as the worker has them, offers the other file's export and its import.
 */
describe('COMPLETION_PREFERENCES with a real language service', () => {
  function service(files: Record<string, string>): ts.LanguageService {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      // not Bundler: TypeScript 5.9 then reads package.json imports relative to the current directory, which a host
      // of URI names (like the worker, whose 5.4 does not) has none of
      moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true,
      lib: ['lib.es5.d.ts'],
    };
    const libDir = ts.getDefaultLibFilePath(options).replace(/[^/\\]+$/, '');
    const read = (name: string): string | undefined => {
      if (name in files) return files[name];
      if (name.startsWith(libDir)) return ts.sys.readFile(name);
      return undefined;
    };
    return ts.createLanguageService({
      getCompilationSettings: () => options,
      getScriptFileNames: () => Object.keys(files).filter((name) => !name.endsWith('.json')),
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => {
        const text = read(name);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => '',
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      readFile: read,
      fileExists: (name) => read(name) !== undefined,
    });
  }

  const files = {
    'file:///src/tabs.ts':
      'export function tabsReducer(tabs: string[], opened: string): string[] {\n  return tabs.concat(opened);\n}\n',
    'file:///src/shapes.ts':
      'export interface Point { x: number }\nexport function distance(a: Point): number { return a.x; }\nexport function midpoint(a: Point): Point { return a; }\n',
    // a package's typings, as the project feed sends them (an extra lib under file:///node_modules)
    'file:///node_modules/pad-kit/package.json': '{ "name": "pad-kit", "version": "1.0.0", "types": "index.d.ts" }',
    'file:///node_modules/pad-kit/index.d.ts':
      'export declare function padStartKit(text: string, width: number): string;\n',
    [MAIN]:
      "import { distance, type Point } from './shapes';\n\nexport const reduced = tabsRed\nexport const middle = midpo\nexport const padded = padStartK\n",
  };
  const main = files[MAIN];
  const ls = service(files);
  const format = formatSettings({ tabSize: 2, insertSpaces: true });

  function complete(prefix: string) {
    const offset = main.indexOf(prefix) + prefix.length;
    const info = ls.getCompletionsAtPosition(MAIN, offset, { ...COMPLETION_PREFERENCES, triggerKind: 1 });
    const entry = info?.entries.find(
      (candidate) => candidate.name.startsWith(prefix.replace(/^.*= /, '')) && candidate.hasAction,
    );
    if (!entry) throw new Error(`no auto-import for ${prefix}`);
    const parts = toItemParts(entry, positionsOf(main)(offset), word(1, 1, 1), positionsOf(main), workspacePathOf);
    const details = ls.getCompletionEntryDetails(
      MAIN,
      offset,
      entry.name,
      format,
      entry.source,
      COMPLETION_PREFERENCES,
      entry.data,
    );
    if (!details) throw new Error(`no details for ${entry.name}`);
    return { parts, resolved: resolvedParts(details, MAIN, positionsOf(main)) };
  }

  it('offers a symbol of a file not imported yet, with a new import line', () => {
    const { parts, resolved } = complete('= tabsRed');
    expect(parts.label).toEqual({ label: 'tabsReducer', description: './tabs' });
    expect(resolved.documentation.split('\n')[0]).toBe("Auto import from './tabs'");
    expect(resolved.detail).toBe('function tabsReducer(tabs: string[], opened: string): string[]');
    expect(resolved.additionalTextEdits.map((edit) => edit.text).join('')).toContain(
      "import { tabsReducer } from './tabs';",
    );
  });

  it('adds a symbol of an imported module to its import', () => {
    const { parts, resolved } = complete('= midpo');
    expect(parts.label.description).toBe('./shapes');
    expect(resolved.additionalTextEdits).toHaveLength(1);
    const [edit] = resolved.additionalTextEdits;
    expect(edit?.range.startLineNumber).toBe(1);
    expect(edit?.text).toContain('midpoint');
    expect(edit?.text).not.toContain('import');
  });

  it("offers a package's export with the package's name as the module", () => {
    const { parts, resolved } = complete('= padStartK');
    expect(parts.label).toEqual({ label: 'padStartKit', description: 'pad-kit' });
    expect(resolved.additionalTextEdits.map((edit) => edit.text).join('')).toContain(
      "import { padStartKit } from 'pad-kit';",
    );
  });

  it('hostile: an export named like a snippet variable ($CLIPBOARD) is inserted as its name, not the clipboard', () => {
    const hostile = service({
      'file:///node_modules/evil/index.d.ts': 'export declare const $CLIPBOARD: number;\n',
      [MAIN]: 'import $CLIP\n',
    });
    const info = hostile.getCompletionsAtPosition(MAIN, 'import $CLIP'.length, {
      ...COMPLETION_PREFERENCES,
      triggerKind: 1,
    });
    const entry = info?.entries.find((candidate) => candidate.name === '$CLIPBOARD');
    if (!entry) throw new Error('no import statement completion');
    const parts = toItemParts(entry, { lineNumber: 1, column: 13 }, word(1, 8, 13), positionsOf(MAIN), workspacePathOf);
    // a snippet: every $ TypeScript took from the name is escaped, so Monaco expands no variable of it
    expect(parts.snippet).toBe(true);
    expect(parts.insertText).toMatch(/^import \{ \\\$CLIPBOARD\$1 \} from ["']evil["'];$/);
  });
});

describe('leftTheWord', () => {
  it('is true once a non-identifier character was typed after the asked position, not while the word goes on', () => {
    expect(leftTheWord('e', 'export const reduced = tabsRed', 2)).toBe(true);
    expect(leftTheWord('  ta', '  tabsRed', 5)).toBe(false);
    expect(leftTheWord('x = ta;', 'x = tab.; ', 7)).toBe(false); // the line changed elsewhere: not ours to judge
    expect(leftTheWord('x = ta;', 'x = tabs.;', 7)).toBe(true);
    expect(leftTheWord('x = ta', 'x = ta', 7)).toBe(false);
    expect(leftTheWord('x = ta', 'x = t', 6)).toBe(false);
    expect(leftTheWord('é', 'éclair', 2)).toBe(false);
  });
});

describe('directoryEntries', () => {
  const names = [
    'file:///src/main.ts',
    'file:///src/tabs.ts',
    'file:///src/util/strings.ts',
    'file:///src/a%20b.ts',
    'file:///node_modules/@types/node/index.d.ts',
    'file:///src-other/x.ts',
  ];
  it("lists a directory's files (decoded) and subdirectories, shallow or deep, by extension", () => {
    expect(directoryEntries(names, 'file:///src', ['.ts'], true)).toEqual({
      files: ['file:///src/main.ts', 'file:///src/tabs.ts', 'file:///src/a b.ts'],
      directories: ['file:///src/util'],
    });
    expect(directoryEntries(names, 'file:///src/', ['.js'], false).files).toEqual([]);
    expect(directoryEntries(names, 'file:///src', undefined, false).files).toContain('file:///src/util/strings.ts');
    expect(directoryEntries(names, 'file:///node_modules', undefined, true).directories).toEqual([
      'file:///node_modules/@types',
    ]);
  });
});
