import { describe, expect, it } from 'vitest';
import { evaluateWhen, MAX_WHEN_LENGTH, parseWhen, type WhenContext, whenContextOf } from './when';

const context: WhenContext = {
  editorTextFocus: true,
  editorFocus: true,
  terminalFocus: false,
  inputFocus: true,
  textInputFocus: true,
  editorLangId: 'typescript',
  isMac: false,
  isLinux: true,
  isWindows: false,
  isWeb: true,
};
const holds = (text: string, at: Partial<WhenContext> = {}) => evaluateWhen(parseWhen(text), { ...context, ...at });

describe('when clauses', () => {
  it('evaluates keys, negation, && before || and parentheses', () => {
    expect(holds('editorTextFocus')).toBe(true);
    expect(holds('!editorTextFocus')).toBe(false);
    expect(holds('terminalFocus || editorTextFocus && !inputFocus')).toBe(false);
    expect(holds('terminalFocus || editorTextFocus && !inputFocus', { inputFocus: false })).toBe(true);
    expect(holds('(terminalFocus || editorTextFocus) && isLinux')).toBe(true);
    expect(holds('!(terminalFocus || editorFocus)')).toBe(false);
    expect(holds('true && !false')).toBe(true);
  });

  it('compares editorLangId with == and != against a word or a quoted string', () => {
    expect(holds('editorLangId == typescript')).toBe(true);
    expect(holds("editorLangId == 'python'")).toBe(false);
    expect(holds('editorLangId != "python"')).toBe(true);
    expect(holds('editorLangId', { editorLangId: null })).toBe(false);
  });

  it('refuses what it does not support instead of guessing', () => {
    expect(() => parseWhen('resourceExtname == .ts')).toThrow(/context key "resourceExtname" is not supported/);
    expect(() => parseWhen('editorLangId =~ /ts/')).toThrow(/operator "=~"/);
    expect(() => parseWhen('editorLangId in langs')).toThrow(/operator "in"/);
    expect(() => parseWhen('editorFocus &&')).toThrow(/ends too early/);
    expect(() => parseWhen('(editorFocus')).toThrow(/not closed/);
    expect(() => parseWhen("editorLangId == 'ts")).toThrow(/quoted string/);
    expect(() => parseWhen('editorFocus editorFocus')).toThrow(/not expected/);
    expect(() => parseWhen('')).toThrow(/empty/);
  });

  it('bounds hostile clauses: too long, too deep, many operators — refused or parsed in one pass', () => {
    expect(() => parseWhen('x'.repeat(MAX_WHEN_LENGTH + 1))).toThrow(/longer than/);
    expect(() => parseWhen(`${'('.repeat(400)}editorFocus${')'.repeat(400)}`)).toThrow(/nested too deeply/);
    expect(() => parseWhen('!'.repeat(900))).toThrow(/nested too deeply/);
    const long = Array.from({ length: 60 }, () => 'editorFocus').join(' && ');
    const started = performance.now();
    expect(holds(long)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('tells the focus from the focused element', () => {
    const element = (tagName: string, inside: string[]) =>
      ({ tagName, closest: (selector: string) => (inside.includes(selector) ? {} : null) }) as unknown as Element;
    const platform = { isMac: true, isWindows: false, isWeb: false };
    const editor = whenContextOf(element('TEXTAREA', ['.monaco-editor']), platform, 'markdown');
    expect(editor).toMatchObject({ editorTextFocus: true, editorFocus: true, terminalFocus: false, inputFocus: true });
    expect(editor).toMatchObject({ editorLangId: 'markdown', isMac: true, isLinux: false });
    const terminal = whenContextOf(element('TEXTAREA', ['.xterm']), platform, 'markdown');
    expect(terminal).toMatchObject({ editorTextFocus: false, terminalFocus: true, editorLangId: null });
    const findWidget = whenContextOf(element('TEXTAREA', ['.monaco-editor', '.find-widget']), platform, null);
    expect(findWidget).toMatchObject({ editorTextFocus: false, editorFocus: true });
    expect(whenContextOf(null, platform, null)).toMatchObject({ inputFocus: false, editorFocus: false });
    expect(whenContextOf(element('BUTTON', []), platform, null).inputFocus).toBe(false);
  });
});
