import { describe, expect, it } from 'vitest';
import { editorTabPath, isFileTab, parseEditorTab } from './editor-input';

describe('contributed editor tabs', () => {
  it('round-trips an editor id and its resource through a path no file can have', () => {
    const path = editorTabPath('markdown.preview', 'docs/README.md');
    expect(path).toBe('/markdown.preview/docs/README.md');
    expect(isFileTab(path)).toBe(false);
    expect(parseEditorTab(path)).toEqual({ editorId: 'markdown.preview', resource: 'docs/README.md' });
    expect(parseEditorTab(editorTabPath('settings'))).toEqual({ editorId: 'settings', resource: '' });
  });

  it('reads workspace files, even odd ones, as files', () => {
    for (const file of ['src/a.ts', 'settings', 'pa:settings/x', '.hidden/file']) {
      expect(isFileTab(file)).toBe(true);
      expect(parseEditorTab(file)).toBeNull();
    }
  });

  it('refuses an editor id that could break the path apart', () => {
    expect(() => editorTabPath('a/b')).toThrow(/An editor id/);
    expect(() => editorTabPath('')).toThrow(/An editor id/);
  });
});
