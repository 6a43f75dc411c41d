import { defaultSettings } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { editorOptionsFrom, zoomFactor } from './editor-options';

describe('editorOptionsFrom', () => {
  it('maps each editor setting to its Monaco option and the theme to our Monaco theme', () => {
    const options = editorOptionsFrom({
      ...defaultSettings,
      'editor.fontSize': 20,
      'editor.minimap.enabled': false,
      'editor.wordWrap': 'on',
      'editor.renderWhitespace': 'all',
      'editor.lineNumbers': 'relative',
      'editor.tabSize': 2,
      'workbench.colorTheme': 'light',
    });
    expect(options).toMatchObject({
      fontSize: 20,
      lineHeight: 31,
      minimap: { enabled: false },
      wordWrap: 'on',
      renderWhitespace: 'all',
      lineNumbers: 'relative',
      tabSize: 2,
      insertSpaces: true,
      theme: 'pa-light',
    });
  });

  it('scales the window by 10 % a zoom step', () => {
    expect(zoomFactor(0)).toBe(1);
    expect(zoomFactor(2)).toBe(1.2);
    expect(zoomFactor(-3)).toBe(0.7);
  });
});
