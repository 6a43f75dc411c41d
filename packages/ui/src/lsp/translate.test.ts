import type { LspSymbol } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import {
  languagesOfServer,
  serverForLanguage,
  toDocumentSymbol,
  toLspChange,
  toLspPosition,
  toMarker,
  toMonacoEdit,
  toMonacoRange,
} from './translate';

const lspRange = { start: { line: 0, character: 4 }, end: { line: 2, character: 0 } };
const monacoRange = { startLineNumber: 1, startColumn: 5, endLineNumber: 3, endColumn: 1 };

describe('LSP ⇄ Monaco', () => {
  it('shifts positions and ranges between 0-based LSP and 1-based Monaco', () => {
    expect(toLspPosition({ lineNumber: 3, column: 17 })).toEqual({ line: 2, character: 16 });
    expect(toMonacoRange(lspRange)).toEqual(monacoRange);
  });

  it('turns a Monaco content change into an incremental LSP change over the text before the edit', () => {
    const change = { range: monacoRange, rangeOffset: 4, rangeLength: 9, text: 'x' };
    expect(toLspChange(change)).toEqual({ range: lspRange, text: 'x' });
  });

  it('maps LSP severities onto Monaco marker severities', () => {
    const severities = [1, 2, 3, 4].map(
      (severity) => toMarker({ range: lspRange, severity, message: 'm' }, 'pyright').severity,
    );
    // Error 8, Warning 4, Info 2, Hint 1
    expect(severities).toEqual([8, 4, 2, 1]);
    expect(toMarker({ range: lspRange, severity: 1, message: 'm', code: 'reportX', source: 'Pylance' }, 'x')).toEqual({
      ...monacoRange,
      severity: 8,
      message: 'm',
      source: 'Pylance',
      code: 'reportX',
    });
  });

  it('shifts symbol kinds by one (LSP File = 1, Monaco File = 0) and keeps the hierarchy', () => {
    const method: LspSymbol = { name: 'run', kind: 6, range: lspRange, selectionRange: lspRange, children: [] };
    const symbol = toDocumentSymbol({
      name: 'Job',
      kind: 5,
      range: lspRange,
      selectionRange: lspRange,
      children: [method],
    });
    expect(symbol).toMatchObject({ name: 'Job', kind: 4, range: monacoRange, children: [{ name: 'run', kind: 5 }] });
  });

  it('maps text edits and knows which server serves which language', () => {
    expect(toMonacoEdit({ range: lspRange, newText: '  ' })).toEqual({ range: monacoRange, text: '  ' });
    expect(serverForLanguage('python')).toBe('python');
    expect(serverForLanguage('cpp')).toBe('cpp');
    expect(serverForLanguage('typescript')).toBeNull();
    expect(languagesOfServer('cpp')).toEqual(['c', 'cpp']);
  });
});
