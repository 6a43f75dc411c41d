// Browser mode finds the engine from the page's own address: the token rides in the URL fragment (never sent to
// a server), the WebSocket lives at /rpc on the same host and gets the token in its first message. Reconnects
// back off so a restarting engine is not hammered.

export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token && token.length > 0 ? token : null;
}

/** The engine's socket; the token goes in its first message (socket-source.ts), not in this URL. */
export function rpcUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/rpc`;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from 250 ms, capped at 5 s, with ±20 % jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
