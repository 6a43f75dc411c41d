import { MAX_SETTINGS_BYTES } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { nestingDepth, parseKeybindingsText, parseSettingsText, refusal, withSetting } from './settings-file.js';

describe('settings files', () => {
  it('reads comments and trailing commas, and knows the line of each key', () => {
    const parsed = parseSettingsText('// mine\n{\n  "a": 1,\n  /* x */ "b": [1, 2],\n}\n');
    expect(parsed.object).toEqual({ a: 1, b: [1, 2] });
    expect(parsed.problems).toEqual([]);
    expect(parsed.lineOf('b')).toBe(4);
  });

  it('treats an empty file as no settings, and a non-object as a problem', () => {
    expect(parseSettingsText('').object).toEqual({});
    expect(parseSettingsText('[1]').problems[0]?.message).toMatch(/not a JSON object/);
  });

  it('keeps a key named __proto__ as an own key, never the prototype', () => {
    const parsed = parseSettingsText('{ "__proto__": { "polluted": true } }');
    expect(Object.getPrototypeOf(parsed.object)).toBe(Object.prototype);
    expect(Object.keys(parsed.object ?? {})).toEqual(['__proto__']);
  });

  it('counts nesting without recursion and refuses a file nested too deep or too big', () => {
    expect(nestingDepth('{"a": [[{}]], "s": "[[[["}')).toBe(4);
    expect(refusal(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)?.kind).toBe('too-large');
    expect(refusal('x'.repeat(MAX_SETTINGS_BYTES + 1))?.kind).toBe('too-large');
    expect(refusal('{"a": [1]}')).toBeNull();
  });

  it('sets and removes one key keeping the rest of the text', () => {
    const text = '{\n  // keep me\n  "a": 1\n}\n';
    const set = withSetting(text, 'b', true);
    expect(set).toContain('// keep me');
    expect(parseSettingsText(set).object).toEqual({ a: 1, b: true });
    expect(parseSettingsText(withSetting(set, 'a', undefined)).object).toEqual({ b: true });
    expect(parseSettingsText(withSetting('', 'a', 2)).object).toEqual({ a: 2 });
  });

  it('reads keybindings, flagging an entry without a key or command by its line', () => {
    const parsed = parseKeybindingsText('[\n {"key": "ctrl+k", "command": "x"},\n {"key": 3}\n]');
    expect(parsed.entries).toEqual([{ key: 'ctrl+k', command: 'x' }]);
    expect(parsed.problems[0]).toMatchObject({ kind: 'invalid', line: 3 });
  });

  it("keeps a keybinding's when clause and drops what the schema does not know (args)", () => {
    const parsed = parseKeybindingsText(
      '[{"key": "ctrl+k ctrl+s", "command": "x", "when": "editorTextFocus", "args": {"text": "rm -rf /"}}]',
    );
    expect(parsed.entries).toEqual([{ key: 'ctrl+k ctrl+s', command: 'x', when: 'editorTextFocus' }]);
  });
});
