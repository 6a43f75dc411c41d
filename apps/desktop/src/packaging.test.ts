// electron-builder.yml checked offline (`npm run dist` needs the Electron binary, absent here): electron-builder's
// own schema validation, the fuses and native-module rules the issue asks for, and agreement with appLayout().
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appLayout } from './main/app-files.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  files: Array<string | { from: string; to: string }>;
  directories: { app: string };
  linux: { target: string[] };
  mac: { target: string };
  win: { target: string };
};

type Validate = (config: unknown, debugLogger: { isEnabled: boolean; add(): void }) => Promise<void>;
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: Validate;
};
const quietLogger = { isEnabled: false, add() {} };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(structuredClone(config), quietLogger)).resolves.toBeUndefined();
  });

  it('would be refused by that validation if it had a misspelt option (the check is real)', async () => {
    const broken = { ...structuredClone(config), electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(broken, quietLogger)).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses that turn the app into a general-purpose Node runtime off', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it.each([
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'node_modules/better-sqlite3/lib/database.js',
    'node_modules/node-llama-cpp/dist/index.js',
    'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node',
    'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node',
    'node_modules/@napi-rs/keyring/index.js',
  ])('unpacks %s from the asar archive', (path) => {
    expect(config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true }))).toBe(true);
  });

  it('builds AppImage and deb on Linux, dmg on macOS and nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
  });

  it('puts the engine entry and the UI where the packaged app looks for them', () => {
    const sets = config.files.filter((file): file is { from: string; to: string } => typeof file !== 'string');
    const appDir = join(root, config.directories.app);
    expect(sets.find((set) => set.to === 'engine')?.from).toBe('../engine/dist');
    expect(sets.find((set) => set.to === 'ui')?.from).toBe('../../packages/ui/dist');
    expect(join(appDir, '../engine/dist')).toBe(join(root, 'apps/engine/dist'));
    const layout = appLayout('/r/app.asar', true, '/r');
    expect(layout.engineMain).toBe(join('/r/app.asar', 'engine', 'main.js'));
    expect(layout.uiDir).toBe(join('/r/app.asar', 'ui'));
    const desktop = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(config.files).toContain(desktop.main);
    expect(config.files).toContain('dist/preload.cjs');
    // electron-builder packs the production dependencies of the app package: the engine's, through @pa/engine.
    expect(Object.keys(desktop.dependencies)).toContain('@pa/engine');
  });
});
