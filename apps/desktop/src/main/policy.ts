// The window's security policy as pure functions (Electron's own security checklist), so it is unit-tested here
// where Electron cannot run. main.ts only applies what these return.
import type { WebPreferences } from 'electron';

/** The UI is served from this privileged custom scheme, which gives the page a real, fixed origin. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'ui';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function webPreferencesFor(preloadPath: string, options: { devTools: boolean }): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  };
}

/** Parses a URL and returns its origin, or null for anything unparsable or opaque (file:, data:, javascript:…). */
function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // Custom schemes parse with an opaque origin ("null") in Node's WHATWG parser, so build it from the parts.
  if (parsed.protocol === `${APP_SCHEME}:`) {
    return parsed.username || parsed.password || parsed.port ? null : `${APP_SCHEME}://${parsed.hostname}`;
  }
  return parsed.origin === 'null' ? null : parsed.origin;
}

export function isSameOrigin(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

export type NavigationDecision = 'allow' | 'deny';

/** In-page navigation is allowed only inside the app's own origin; everything else is blocked. */
export function navigationDecision(url: string, appOrigin: string): NavigationDecision {
  return isSameOrigin(url, appOrigin) ? 'allow' : 'deny';
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/**
 * The app never opens a second Electron window from the page. An http(s) link is handed to the OS browser
 * (re-serialised from the parsed URL, so what opens is what was checked); any other scheme is dropped.
 */
export function windowOpenDecision(url: string): WindowOpenDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', openExternally: null };
  }
  const external = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  return { action: 'deny', openExternally: external && !parsed.username && !parsed.password ? parsed.href : null };
}

/** IPC is accepted only from a frame showing the app's own origin (VS Code's validateEvent does the same). */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  return typeof frameUrl === 'string' && isSameOrigin(frameUrl, appOrigin);
}

/** Permissions a page may ask for; everything else (camera, geolocation, notifications…) is refused. */
const GRANTABLE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function permissionDecision(permission: string, requestingUrl: string | undefined, appOrigin: string): boolean {
  return (
    GRANTABLE_PERMISSIONS.has(permission) && typeof requestingUrl === 'string' && isSameOrigin(requestingUrl, appOrigin)
  );
}

/** The page's Content-Security-Policy. Monaco injects <style> elements, hence 'unsafe-inline' for styles only. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
