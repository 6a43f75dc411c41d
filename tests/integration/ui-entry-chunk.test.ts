// The UI starts fast because what start-up does not show loads on first use (packages/ui/src/workbench/lazy.tsx):
// the previews, the Outline, the Settings editor and JSON view, the Open Folder dialog, the LSP client, xterm, the
// Live Share session (Yjs, y-webrtc, y-monaco). A static import of one of them would put it back in the entry
// chunk, which every window parses before it draws anything (ui_time_to_interactive). This reads the built UI: the files index.html loads at start (its module
// script, its modulepreload links and what they import statically) must not hold those views' code, and the
// entry chunk stays under d2c9ae5's size (4466 KB, the UI before the language features came in).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uiDist } from '../../scripts/paths.js';

/** A string each lazy module's chunk has (a class name or message, which minifying keeps) and the entry must not. */
const LOADED_ON_FIRST_USE: Array<{ view: string; marker: string }> = [
  { view: 'Markdown preview (preview/MarkdownPreview.tsx)', marker: 'md-preview__body' },
  { view: 'image preview (preview/ImagePreview.tsx)', marker: 'image-preview__stage' },
  { view: 'Outline (outline/OutlineView.tsx)', marker: 'outline__' },
  { view: 'Settings editor (settings/SettingsEditor.tsx)', marker: 'settings-editor__toc' },
  { view: 'Settings JSON view (settings/SettingsJsonEditor.tsx)', marker: 'settings-json' },
  { view: "settings files' JSON Schemas (settings/json-schema.ts)", marker: 'pa-settings://schema/user-settings' },
  { view: 'Open Folder dialog (workspace/OpenFolderDialog.tsx)', marker: 'open-folder__' },
  { view: 'LSP client (lsp/lsp-controller.ts)', marker: 'language server is gone' },
  { view: 'xterm (terminal/terminal-instance.ts)', marker: 'xterm-helper-textarea' },
  { view: 'Yjs and y-webrtc (collab/session.ts)', marker: 'Yjs was already imported' },
];

/** d2c9ae5's entry chunk (bench/ui_time_to_interactive.bench.ts measures it against the base build). */
const BASE_ENTRY_BYTES = 4466.1 * 1024;

/** The script files the page loads before it can draw: the entry, its preloads, and their static imports. */
function startFiles(): string[] {
  const html = readFileSync(join(uiDist, 'index.html'), 'utf8');
  const entry = /<script[^>]+type="module"[^>]+src="\.?\/?([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`no module script in ${uiDist}/index.html`);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\.?\/?([^"]+)"/g)].map((m) => m[1]);
  const files: string[] = [];
  const visit = (file: string) => {
    const path = normalize(join(uiDist, file));
    if (files.includes(path)) return;
    files.push(path);
    const source = readFileSync(path, 'utf8');
    // minified static imports: import"./x.js" and …from"./x.js" (a dynamic import( is not followed)
    for (const [, specifier] of source.matchAll(/(?:\bimport|\bfrom)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      if (specifier) visit(join(dirname(file), specifier));
    }
  };
  visit(entry);
  for (const preload of preloads) if (preload?.endsWith('.js')) visit(preload);
  return files;
}

describe('UI entry chunk', () => {
  it('holds none of the views that load on first use, and is no bigger than before the language features', () => {
    const start = startFiles();
    const startSource = start.map((file) => readFileSync(file, 'utf8')).join('\n');
    const assets = join(uiDist, 'assets');
    const others = readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .map((name) => join(assets, name))
      .filter((file) => !start.includes(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const { view, marker } of LOADED_ON_FIRST_USE) {
      // the marker is real: the view's own chunk has it…
      expect(others.includes(marker), `${view}: no chunk has "${marker}" (update the marker)`).toBe(true);
      // …and the files loaded at start do not
      expect(startSource.includes(marker), `${view} is in the entry chunk again ("${marker}")`).toBe(false);
    }
    const entryBytes = readFileSync(start[0] as string).length;
    expect(entryBytes, 'entry chunk bytes').toBeLessThanOrEqual(BASE_ENTRY_BYTES);
  });
});
