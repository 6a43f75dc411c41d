import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout, contentTypeFor, resolveAppFile } from './app-files.js';

const ui = join('/opt', 'ClaudeEditor', 'ui');

describe('resolveAppFile', () => {
  it('maps app://ui/ paths to files of the built UI', () => {
    expect(resolveAppFile('app://ui/', ui)).toBe(join(ui, 'index.html'));
    expect(resolveAppFile('app://ui/index.html?x=1#top', ui)).toBe(join(ui, 'index.html'));
    expect(resolveAppFile('app://ui/assets/editor.worker-abc.js', ui)).toBe(join(ui, 'assets', 'editor.worker-abc.js'));
    expect(resolveAppFile('app://ui/assets/a%20b.css', ui)).toBe(join(ui, 'assets', 'a b.css'));
  });

  it('resolves dot segments the way the URL parser does, never above the root', () => {
    expect(resolveAppFile('app://ui/../../secret', ui)).toBe(join(ui, 'secret'));
    expect(resolveAppFile('app://ui/%2e%2e/secret', ui)).toBe(join(ui, 'secret'));
  });

  it.each([
    ['app://ui/assets/..%2f..%2fsecret'],
    ['app://ui/assets/..%5c..%5csecret'],
    ['app://ui/%00index.html'],
    ['app://ui/%E0%A4%A'],
    ['app://ui.evil/index.html'],
    ['app://other/index.html'],
    ['app://ui:81/index.html'],
    ['file:///opt/ClaudeEditor/ui/index.html'],
    ['nonsense'],
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, ui)).toBeNull();
  });
});

describe('appLayout', () => {
  it('finds the engine and UI inside app.asar when packaged', () => {
    const layout = appLayout('/opt/CE/resources/app.asar', true, '/opt/CE/resources');
    expect(layout.engineMain).toBe(join('/opt/CE/resources/app.asar', 'engine', 'main.js'));
    expect(layout.uiDir).toBe(join('/opt/CE/resources/app.asar', 'ui'));
    expect(layout.resourcesDir).toBe(join('/opt/CE/resources', 'resources'));
  });

  it('finds the workspace builds in development', () => {
    const layout = appLayout('/repo/apps/desktop', false, '/ignored');
    expect(layout.engineMain).toBe(join('/repo/apps/engine/dist/main.js'));
    expect(layout.uiDir).toBe(join('/repo/packages/ui/dist'));
    expect(layout.preload).toBe(join('/repo/apps/desktop/dist/preload.cjs'));
    expect(layout.resourcesDir).toBe(join('/repo/resources'));
  });

  it('runs the test build of the engine only in development, never when packaged', () => {
    const testBuild = { PA_ENGINE_BUILD: 'test' };
    expect(appLayout('/repo/apps/desktop', false, '/ignored', testBuild).engineMain).toBe(
      join('/repo/apps/engine/dist-test/main.js'),
    );
    expect(appLayout('/opt/CE/resources/app.asar', true, '/opt/CE/resources', testBuild).engineMain).toBe(
      join('/opt/CE/resources/app.asar', 'engine', 'main.js'),
    );
  });
});

describe('contentTypeFor', () => {
  it('serves module scripts as JavaScript so the CSP and module loader accept them', () => {
    expect(contentTypeFor('/x/assets/index-1.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/index.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/codicon.ttf')).toBe('font/ttf');
    expect(contentTypeFor('/x/blob')).toBe('application/octet-stream');
  });
});
