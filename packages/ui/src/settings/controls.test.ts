import { describe, expect, it } from 'vitest';
import { controlOf, searchSettings } from './controls';

describe('the Settings editor controls', () => {
  it('draws a checkbox, a select, a bounded number, a text box, or sends the setting to settings.json', () => {
    expect(controlOf('editor.minimap.enabled')).toEqual({ kind: 'checkbox' });
    expect(controlOf('workbench.colorTheme')).toEqual({
      kind: 'select',
      options: ['dark', 'light', 'high-contrast'],
    });
    expect(controlOf('editor.fontSize')).toEqual({ kind: 'number', min: 6, max: 72 });
    expect(controlOf('editor.fontFamily')).toEqual({ kind: 'text' });
    expect(controlOf('terminal.integrated.shellArgs')).toEqual({ kind: 'json' });
    expect(controlOf('ai.chat.defaultModel')).toEqual({ kind: 'text' });
    expect(controlOf('privacy.allowRemoteModels')).toEqual({ kind: 'checkbox' });
    expect(controlOf('workflows.maxConcurrentRuns')).toEqual({ kind: 'number', min: 1, max: 16 });
  });

  it('finds settings by every word of the query, in key, title, description or group', () => {
    expect(searchSettings('minimap').flatMap((g) => g.keys)).toEqual(['editor.minimap.enabled']);
    expect(searchSettings('font size').flatMap((g) => g.keys)).toEqual(['editor.fontSize']);
    expect(searchSettings('terminal shell').map((g) => g.group.id)).toEqual(['terminal']);
    expect(searchSettings('remote models').flatMap((g) => g.keys)).toContain('privacy.allowRemoteModels');
    expect(searchSettings('no such thing')).toEqual([]);
    expect(searchSettings('').length).toBeGreaterThan(3);
  });
});
