import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, hoverOf, locationsOf, Paths, symbolsOf, workspaceEditOf } from './translate.js';

const root = mkdtempSync(join(tmpdir(), 'pa-lsp-translate-'));
const paths = new Paths(root);
const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };

describe('LSP answers → the protocol', () => {
  it('maps file URIs to workspace paths and back, and nothing outside the workspace', () => {
    expect(paths.path(paths.uri('src/a b.py'))).toBe('src/a b.py');
    expect(paths.path('file:///usr/lib/python3/typing.pyi')).toBeNull();
    expect(paths.path(`file://${root}/../x.py`)).toBeNull();
    expect(paths.path('untitled:Untitled-1')).toBeNull();
  });

  it('folds every hover form into Markdown', () => {
    expect(hoverOf({ contents: { kind: 'markdown', value: '**x**' }, range })).toEqual({ markdown: '**x**', range });
    expect(hoverOf({ contents: [{ language: 'python', value: 'x: int' }, 'doc'] })).toEqual({
      markdown: '```python\nx: int\n```\n\n---\n\ndoc',
    });
    expect(hoverOf(null)).toBeNull();
    expect(hoverOf({ contents: '' })).toBeNull();
  });

  it('answers E_UNAVAILABLE, not a crash, for an answer that is not LSP', () => {
    expect(() => hoverOf({ contents: 42 })).toThrow(expect.objectContaining({ code: ErrorCode.UNAVAILABLE }));
    expect(() => locationsOf('nonsense', paths)).toThrow(expect.objectContaining({ code: ErrorCode.UNAVAILABLE }));
  });

  it('takes locations and location links, leaving out places outside the workspace', () => {
    const inside = { uri: paths.uri('a.py'), range };
    const link = { targetUri: paths.uri('b.py'), targetRange: range, targetSelectionRange: range };
    const outside = { uri: 'file:///usr/lib/x.pyi', range };
    expect(locationsOf(inside, paths)).toEqual([{ path: 'a.py', range }]);
    expect(locationsOf([link, outside], paths)).toEqual([{ path: 'b.py', range }]);
  });

  it('refuses a rename that would touch a file outside the workspace or create files', () => {
    const outside = { changes: { 'file:///etc/passwd': [{ range, newText: 'x' }] } };
    const create = { documentChanges: [{ kind: 'create', uri: paths.uri('new.py') }] };
    for (const edit of [outside, create]) {
      let error: PaError | null = null;
      try {
        workspaceEditOf(edit, paths);
      } catch (caught) {
        error = caught as PaError;
      }
      expect(error?.code).toBe(ErrorCode.FORBIDDEN);
    }
    const documentChanges = [
      { textDocument: { uri: paths.uri('a.py'), version: 1 }, edits: [{ range, newText: 'y' }] },
    ];
    expect(workspaceEditOf({ documentChanges }, paths)).toEqual({
      changes: [{ path: 'a.py', edits: [{ range, newText: 'y' }] }],
    });
  });

  it('reads hierarchical and flat document symbols', () => {
    const child = { name: 'm', kind: 6, range, selectionRange: range };
    expect(symbolsOf([{ name: 'C', kind: 5, range, selectionRange: range, children: [child] }])).toEqual([
      {
        name: 'C',
        detail: undefined,
        kind: 5,
        range,
        selectionRange: range,
        children: [{ ...child, detail: undefined, children: [] }],
      },
    ]);
    expect(symbolsOf([{ name: 'f', kind: 12, location: { uri: paths.uri('a.py'), range } }])).toEqual([
      { name: 'f', kind: 12, range, selectionRange: range, children: [] },
    ]);
  });

  it('caps diagnostics per file and defaults a missing severity to error', () => {
    const many = Array.from({ length: 1_500 }, () => ({ range, message: 'm'.repeat(12_000), code: 7 }));
    const item = diagnosticsOf({ uri: paths.uri('a.py'), diagnostics: many }, paths);
    expect(item?.diagnostics).toHaveLength(1000);
    expect(item?.diagnostics[0]).toEqual({ range, severity: 1, message: 'm'.repeat(10_000), code: '7' });
    expect(diagnosticsOf({ uri: 'file:///etc/x', diagnostics: [] }, paths)).toBeNull();
    expect(diagnosticsOf({ uri: 42 }, paths)).toBeNull();
  });
});
