// The BUILT preload (apps/desktop/dist/preload.cjs) under the constraints of Electron's sandbox: `require` offers
// only electron, events, timers and url, so anything else the bundle needs must be inside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/paths.js';

const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

describe('the built preload bundle', () => {
  it('runs with only the modules a sandboxed preload may require, and exposes window.pa', () => {
    const code = readFileSync(join(repoRoot, 'apps/desktop/dist/preload.cjs'), 'utf8');
    const exposed = new Map<string, unknown>();
    const sent: unknown[][] = [];
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: { on: () => {}, send: (...args: unknown[]) => sent.push(args), invoke: async () => null },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (name: string) => {
        required.push(name);
        if (!SANDBOX_MODULES.has(name)) throw new Error(`a sandboxed preload cannot require "${name}"`);
        if (name !== 'electron') throw new Error(`the preload should not need "${name}"`);
        return electron;
      },
      process: { platform: 'linux' },
      window: new EventTarget(),
      CustomEvent,
      console,
    });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['pa']);
    expect(sent).toEqual([['pa:connect-engine']]);
    // zod's English messages only (scripts/build.mjs zodEnglishOnly): no German, French or Spanish ones
    for (const other of ['erwartet', 'attendu', 'se esperaba']) expect(code).not.toContain(other);
  });
});
