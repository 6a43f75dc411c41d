// Who may talk to the loopback server. A DNS-rebinding page reaches 127.0.0.1 under its own host name, so every
// request must name the server itself in `Host`; any web page may open a WebSocket to 127.0.0.1, so a browser's
// `Origin` must be the engine's own page or the desktop app. Clients outside a browser send no Origin.

/** The desktop app's page origin (apps/desktop/src/main/policy.ts APP_ORIGIN; the engine never imports desktop). */
export const DESKTOP_APP_ORIGIN = 'app://ui';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** The authorities (`host:port`) that name this server when it listens on `port`. */
function loopbackAuthorities(port: number): string[] {
  const authorities = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
  // a browser leaves the default port out of Host and Origin
  if (port === 80) authorities.push(...LOOPBACK_NAMES);
  return authorities;
}

/** True when a request's `Host` header names this server on loopback (the DNS-rebinding check). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && loopbackAuthorities(port).includes(host.toLowerCase());
}

/**
 * True when a WebSocket's `Origin` may connect: absent (a CLI or test client, not a browser), the engine's own
 * browser-mode page, or the desktop app. `null` (a sandboxed frame, a file:// page) and every other site are refused.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const value = origin.toLowerCase();
  if (value === DESKTOP_APP_ORIGIN) return true;
  return loopbackAuthorities(port).some((authority) => value === `http://${authority}`);
}
