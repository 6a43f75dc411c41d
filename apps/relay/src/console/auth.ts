// Who may use the operator console: the admin token, only ever in an `Authorization: Bearer` header (never in a
// URL, never in a cookie), compared in constant time, and only from the console's own origin.
//
// Why a header and not a session cookie: the browser attaches a cookie to every request to the relay, a forged
// cross-site one included, so a cookie needs CSRF defences on every route; a header is only sent by the console's
// own script (it keeps the token in sessionStorage: gone when the tab closes, never shared with other tabs or
// sites). A page on another origin cannot set the header without a CORS preflight, which the relay never grants.
// On top of that a request that says it comes from elsewhere (Origin, Sec-Fetch-Site) is refused before its token
// is even looked at. The cost of the header: a script injected into the console could read the token, which the
// console's CSP (script-src 'self', no inline script, everything served by the relay) is there to rule out.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PerIpRateLimit } from '../admission.js';

export type AdminCheck = { ok: true } | { ok: false; status: 400 | 401 | 403 | 429; reason: string };

/** Failed attempts per address: a burst of 20, then one every 5 s (a 16+ character token is not guessed that way). */
const FAILURE_RATE_PER_SECOND = 0.2;
const FAILURE_BURST = 20;

export function adminGuard(expected: string, clock: () => number): (request: IncomingMessage) => AdminCheck {
  const want = createHash('sha256').update(expected).digest();
  const failures = new PerIpRateLimit(FAILURE_RATE_PER_SECOND, FAILURE_BURST, clock, 10_000);
  const blocked = new Map<string, number>();
  return (request) => {
    const crossOrigin = crossOriginReason(request);
    if (crossOrigin) return { ok: false, status: 403, reason: crossOrigin };
    const url = new URL(request.url ?? '/', 'http://relay');
    if (url.searchParams.has('token') || url.searchParams.has('access_token')) {
      return { ok: false, status: 400, reason: 'the admin token goes in an Authorization header, never in a URL' };
    }
    const ip = request.socket.remoteAddress ?? 'unknown';
    const until = blocked.get(ip);
    if (until !== undefined && until > clock()) return { ok: false, status: 429, reason: 'too many failed attempts' };
    const header = request.headers.authorization;
    const offered = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const fail = (reason: string): AdminCheck => {
      if (failures.allow(ip)) return { ok: false, status: 401, reason };
      if (blocked.size > 10_000) blocked.clear();
      blocked.set(ip, clock() + 1000 / FAILURE_RATE_PER_SECOND);
      return { ok: false, status: 429, reason: 'too many failed attempts' };
    };
    if (!offered) return fail('admin token required');
    // hash first so the comparison takes the same time whatever the offered length
    if (!timingSafeEqual(want, createHash('sha256').update(offered).digest())) return fail('wrong admin token');
    return { ok: true };
  };
}

/** Why the request looks cross-origin, or null when it comes from the console's own page (or from no page). */
export function crossOriginReason(request: IncomingMessage): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request (${site})`;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return 'unreadable Origin';
    }
    if (origin === 'null' || host !== request.headers.host) return 'request from another origin';
  }
  return null;
}
