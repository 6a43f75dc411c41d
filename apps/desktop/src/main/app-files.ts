// Where the desktop app finds its parts (engine bundle, built UI, resources), and how an app:// request maps to a
// file of the built UI. Pure, so the confinement rules are unit-tested.
import { extname, join, normalize, relative, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './policy.js';

export interface AppLayout {
  /** The engine's bundled entry, run with utilityProcess.fork. */
  engineMain: string;
  /** packages/ui's Vite build, served as app://ui/. */
  uiDir: string;
  preload: string;
  /** resources/ (icons, license public key, built-in workflows). */
  resourcesDir: string;
}

/**
 * In development the app runs from the repository (apps/desktop); packaged, electron-builder puts the engine and
 * the UI inside app.asar (see electron-builder.yml `files`) and resources/ next to it. Only in development may
 * PA_ENGINE_BUILD=test pick the test build of the engine (apps/engine/dist-test, which trusts a test vendor key);
 * a packaged app always runs its own engine.
 */
export function appLayout(
  appPath: string,
  packaged: boolean,
  resourcesPath: string,
  env: Record<string, string | undefined> = {},
): AppLayout {
  if (packaged) {
    return {
      engineMain: join(appPath, 'engine', 'main.js'),
      uiDir: join(appPath, 'ui'),
      preload: join(appPath, 'dist', 'preload.cjs'),
      resourcesDir: join(resourcesPath, 'resources'),
    };
  }
  return {
    engineMain: join(appPath, '..', 'engine', env.PA_ENGINE_BUILD === 'test' ? 'dist-test' : 'dist', 'main.js'),
    uiDir: join(appPath, '..', '..', 'packages', 'ui', 'dist'),
    preload: join(appPath, 'dist', 'preload.cjs'),
    resourcesDir: join(appPath, '..', '..', 'resources'),
  };
}

/**
 * The file of uiDir an app:// URL names, or null when the URL is for another host or would leave uiDir
 * (`..`, encoded separators, absolute paths).
 */
export function resolveAppFile(requestUrl: string, uiDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port || url.username) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // A decoded backslash or NUL is never part of a legitimate asset name; refusing them closes Windows tricks.
  if (path.includes('\\') || path.includes('\0')) return null;
  if (path === '' || path === '/') path = '/index.html';
  const file = normalize(join(uiDir, path));
  const inside = relative(uiDir, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || inside.startsWith(sep)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
