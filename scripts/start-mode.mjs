// How `npm start` runs the product here: Electron when its binary is installed, otherwise browser mode (`pa serve`).
// Pure (the outside world comes in as arguments) so the choice is unit-tested; start.mjs does the spawning.

export const FALLBACK_NOTICE = 'Electron is not installed here; starting browser mode (pa serve) instead.';

/**
 * @param {{
 *   resolveElectron: () => unknown,
 *   exists: (path: string) => boolean,
 *   desktopDir: string,
 *   engineCli: string,
 *   nodePath: string,
 *   args: string[],
 *   platform: string,
 *   env: Record<string, string | undefined>,
 * }} world
 * @returns {import('./start-mode.d.mts').StartPlan}
 */
export function planStart(world) {
  const electron = electronBinary(world.resolveElectron, world.exists);
  if (electron) {
    return { mode: 'electron', command: electron, args: [world.desktopDir, ...world.args], notice: null };
  }
  // Without a display there is no browser to open; serving and printing the URL is all that can be done.
  const headless = world.platform === 'linux' && !world.env.DISPLAY && !world.env.WAYLAND_DISPLAY;
  return {
    mode: 'browser',
    command: world.nodePath,
    args: [world.engineCli, 'serve', ...(headless ? ['--no-open'] : []), ...world.args],
    notice: FALLBACK_NOTICE,
  };
}

/** The `electron` package exports its binary's path, and throws when its download failed (no path.txt). */
function electronBinary(resolveElectron, exists) {
  let path;
  try {
    path = resolveElectron();
  } catch {
    return null;
  }
  return typeof path === 'string' && path.length > 0 && exists(path) ? path : null;
}
