import { describe, expect, it } from 'vitest';
import {
  checkSettings,
  defaultSettings,
  effectiveSettings,
  SETTING_GROUPS,
  SETTING_KEYS,
  settingSpecs,
  settingsJsonSchema,
  specOf,
} from './settings.js';

describe('the settings table', () => {
  it('gives every setting a default its own schema accepts, a known group and at least one scope', () => {
    const groups = new Set<string>(SETTING_GROUPS.map((group) => group.id));
    for (const key of SETTING_KEYS) {
      const spec = specOf(key);
      expect(spec.schema.safeParse(spec.default).success, key).toBe(true);
      expect(groups.has(spec.group), key).toBe(true);
      expect(spec.scopes.length, key).toBeGreaterThan(0);
      expect(spec.description.length, key).toBeGreaterThan(10);
    }
    expect(defaultSettings['editor.fontSize']).toBe(14);
    expect(defaultSettings['workbench.colorTheme']).toBe('dark');
  });

  it('has the groups of the Settings view, each with settings in it', () => {
    const ids = SETTING_GROUPS.map((group) => group.id);
    for (const id of ['editor', 'ai', 'collaboration', 'terminal', 'privacy', 'workflows'] as const) {
      expect(ids, id).toContain(id);
      expect(SETTING_KEYS.filter((key) => specOf(key).group === id).length, id).toBeGreaterThan(0);
    }
    expect(defaultSettings['privacy.allowRemoteModels']).toBe(true);
    expect(defaultSettings['ai.chat.defaultModel']).toBe('');
    expect(defaultSettings['editor.defaultFormatter']).toBe('auto');
    expect(defaultSettings['workflows.maxConcurrentRuns']).toBe(2);
  });

  it('lets only the user decide where prompts go and what they carry', () => {
    // a cloned repository writes the workspace file: none of these may be set there, trusted or not
    for (const key of [
      'privacy.allowRemoteModels',
      'ai.chat.defaultModel',
      'ai.chat.attachActiveFile',
      'ai.remoteFirstTokenTimeout',
    ] as const) {
      expect(specOf(key).scopes, key).toEqual(['user']);
    }
  });

  it('marks every setting that names a program as restricted', () => {
    const restricted = SETTING_KEYS.filter((key) => specOf(key).restricted);
    expect(restricted).toEqual(['terminal.integrated.shell', 'terminal.integrated.shellArgs']);
  });
});

describe('checkSettings', () => {
  it('applies valid values and says why the others do not apply', () => {
    const lines: Record<string, number> = { 'editor.fontSize': 2, nope: 3, 'editor.tabSize': 4 };
    const { values, problems } = checkSettings({ 'editor.fontSize': 16, nope: true, 'editor.tabSize': 0 }, 'user', {
      trusted: true,
      lineOf: (key) => lines[key],
    });
    expect(values).toEqual({ 'editor.fontSize': 16 });
    expect(problems.map((p) => [p.kind, p.key, p.line])).toEqual([
      ['unknown', 'nope', 3],
      ['invalid', 'editor.tabSize', 4],
    ]);
  });

  it('ignores a user-only setting in the workspace file', () => {
    const { values, problems } = checkSettings({ 'workbench.colorTheme': 'light' }, 'workspace', { trusted: true });
    expect(values).toEqual({});
    expect(problems[0]?.kind).toBe('scope');
  });

  it('lets a workspace file turn inline suggestions off but never back on', () => {
    const off = checkSettings({ 'completion.enabled': false }, 'workspace', { trusted: true });
    expect(off).toEqual({ values: { 'completion.enabled': false }, problems: [] });
    for (const value of [true, 'yes', 1]) {
      const on = checkSettings({ 'completion.enabled': value }, 'workspace', { trusted: true });
      expect(on.values).toEqual({});
      expect(on.problems[0]).toMatchObject({ kind: 'scope', key: 'completion.enabled' });
    }
    expect(checkSettings({ 'completion.enabled': true }, 'user', { trusted: false }).values).toEqual({
      'completion.enabled': true,
    });
  });

  it('ignores restricted settings from an untrusted workspace, and only from the workspace', () => {
    const raw = { 'terminal.integrated.shell': '/tmp/x', 'editor.fontSize': 20 };
    expect(checkSettings(raw, 'workspace', { trusted: false }).values).toEqual({ 'editor.fontSize': 20 });
    expect(checkSettings(raw, 'workspace', { trusted: true }).values).toEqual(raw);
    expect(checkSettings(raw, 'user', { trusted: false }).values).toEqual(raw);
  });

  it('ignores a workspace file that turns remote models on or points the chat at a provider', () => {
    const hostile = { 'privacy.allowRemoteModels': true, 'ai.chat.defaultModel': 'evil', 'editor.tabSize': 2 };
    for (const trusted of [false, true]) {
      const { values, problems } = checkSettings(hostile, 'workspace', { trusted });
      expect(values).toEqual({ 'editor.tabSize': 2 });
      expect(problems.map((problem) => [problem.kind, problem.key])).toEqual([
        ['scope', 'privacy.allowRemoteModels'],
        ['scope', 'ai.chat.defaultModel'],
      ]);
    }
    const user = { 'privacy.allowRemoteModels': false, 'ai.chat.defaultModel': 'claude' };
    const effective = effectiveSettings(checkSettings(user, 'user', { trusted: false }).values, {
      ...checkSettings(hostile, 'workspace', { trusted: true }).values,
    });
    expect(effective['privacy.allowRemoteModels']).toBe(false);
    expect(effective['ai.chat.defaultModel']).toBe('claude');
  });

  it('takes a formatter per file extension, refusing a key that is not an extension', () => {
    const ok = checkSettings({ 'editor.defaultFormatterByExtension': { '.md': 'language-server' } }, 'workspace', {
      trusted: false,
    });
    expect(ok.values).toEqual({ 'editor.defaultFormatterByExtension': { '.md': 'language-server' } });
    for (const bad of [{ '../x': 'biome' }, { '.md': 'rm -rf' }]) {
      const { problems } = checkSettings({ 'editor.defaultFormatterByExtension': bad }, 'user', { trusted: true });
      expect(problems[0]?.kind, JSON.stringify(bad)).toBe('invalid');
    }
  });

  it('accepts only a provider id (or Auto) as the chat model', () => {
    expect(checkSettings({ 'ai.chat.defaultModel': '' }, 'user', { trusted: true }).values).toEqual({
      'ai.chat.defaultModel': '',
    });
    expect(checkSettings({ 'ai.chat.defaultModel': 'Bad Id/..' }, 'user', { trusted: true }).problems[0]?.kind).toBe(
      'invalid',
    );
  });

  it('lets a workspace value win over the user value, and the user over the default', () => {
    const settings = effectiveSettings({ 'editor.fontSize': 16, 'editor.tabSize': 8 }, { 'editor.fontSize': 12 });
    expect(settings['editor.fontSize']).toBe(12);
    expect(settings['editor.tabSize']).toBe(8);
    expect(settings['editor.wordWrap']).toBe('off');
  });
});

describe('settingsJsonSchema', () => {
  it('describes each setting of the scope with its type, enum and default, leaving other scopes out', () => {
    const user = settingsJsonSchema('user') as { properties: Record<string, Record<string, unknown>> };
    expect(user.properties['editor.wordWrap']).toMatchObject({
      enum: [...settingSpecs['editor.wordWrap'].schema.options],
      default: 'off',
    });
    expect(user.properties['editor.fontSize']).toMatchObject({ type: 'integer', minimum: 6, maximum: 72 });
    const workspace = settingsJsonSchema('workspace') as { properties: Record<string, { description: string }> };
    expect(workspace.properties['workbench.colorTheme']).toBeUndefined();
    expect(workspace.properties['terminal.integrated.shell']?.description).toMatch(/trusted workspace/);
  });
});
