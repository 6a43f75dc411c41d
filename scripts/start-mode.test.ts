import { describe, expect, it } from 'vitest';
import { FALLBACK_NOTICE, planStart, type StartWorld } from './start-mode.mjs';

function world(overrides: Partial<StartWorld> = {}): StartWorld {
  return {
    resolveElectron: () => {
      throw new Error('Cannot find module electron');
    },
    exists: () => true,
    desktopDir: '/repo/apps/desktop',
    engineCli: '/repo/apps/engine/dist/cli.js',
    nodePath: '/usr/bin/node',
    args: [],
    platform: 'linux',
    env: { DISPLAY: ':0' },
    ...overrides,
  };
}

describe('planStart', () => {
  it('runs Electron on apps/desktop when its binary is installed', () => {
    const plan = planStart(world({ resolveElectron: () => '/repo/node_modules/electron/dist/electron' }));
    expect(plan).toEqual({
      mode: 'electron',
      command: '/repo/node_modules/electron/dist/electron',
      args: ['/repo/apps/desktop'],
      notice: null,
    });
  });

  it('falls back to pa serve, saying so, when the electron package is missing', () => {
    const plan = planStart(world());
    expect(plan).toEqual({
      mode: 'browser',
      command: '/usr/bin/node',
      args: ['/repo/apps/engine/dist/cli.js', 'serve'],
      notice: FALLBACK_NOTICE,
    });
    expect(FALLBACK_NOTICE).toBe('Electron is not installed here; starting browser mode (pa serve) instead.');
  });

  it('falls back when the package is there but its binary download failed', () => {
    const plan = planStart(
      world({ resolveElectron: () => '/repo/node_modules/electron/dist/electron', exists: () => false }),
    );
    expect(plan.mode).toBe('browser');
    expect(planStart(world({ resolveElectron: () => undefined })).mode).toBe('browser');
  });

  it('does not try to open a browser on a Linux machine without a display', () => {
    expect(planStart(world({ env: {} })).args).toEqual(['/repo/apps/engine/dist/cli.js', 'serve', '--no-open']);
    expect(planStart(world({ env: { WAYLAND_DISPLAY: 'wayland-0' } })).args).not.toContain('--no-open');
    expect(planStart(world({ env: {}, platform: 'darwin' })).args).not.toContain('--no-open');
  });

  it('passes extra arguments (a folder to open) through', () => {
    expect(planStart(world({ args: ['/work/project'] })).args.at(-1)).toBe('/work/project');
    const electron = planStart(world({ resolveElectron: () => '/e', args: ['/work/project'] }));
    expect(electron.args).toEqual(['/repo/apps/desktop', '/work/project']);
  });
});
