// Presence on top of Yjs awareness: who is here (name, colour), a heartbeat so a peer that vanished without saying
// goodbye (crash, lost network, closed lid) disappears within 2 s instead of awareness's default 30 s.
import { type Awareness, removeAwarenessStates } from 'y-protocols/awareness';

export interface PeerUser {
  name: string;
  color: string;
}

export interface Participant {
  clientId: number;
  name: string;
  color: string;
  self: boolean;
  /** Workspace-relative path of the file the participant's cursor is in, when known. */
  file: string | null;
}

/** A remote state not renewed for this long is removed. */
export const PRESENCE_TIMEOUT_MS = 1800;
const HEARTBEAT_MS = 600;
const CHECK_MS = 200;

export interface PresenceClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const systemClock: PresenceClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** Renews our own state often and drops remote states that stopped renewing. Returns the stop function. */
export function startPresence(awareness: Awareness, clock: PresenceClock = systemClock): () => void {
  const lastSeen = new Map<number, number>();
  const onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const now = clock.now();
    for (const id of [...added, ...updated]) lastSeen.set(id, now);
    for (const id of removed) lastSeen.delete(id);
  };
  awareness.on('update', onUpdate);
  const heartbeat = clock.setInterval(() => {
    const state = awareness.getLocalState();
    // setLocalState with the same object bumps the clock and broadcasts: the heartbeat
    if (state !== null) awareness.setLocalState(state);
  }, HEARTBEAT_MS);
  const sweep = clock.setInterval(() => {
    const now = clock.now();
    const stale = [...awareness.getStates().keys()].filter(
      (id) => id !== awareness.clientID && now - (lastSeen.get(id) ?? now) > PRESENCE_TIMEOUT_MS,
    );
    for (const id of awareness.getStates().keys()) if (!lastSeen.has(id)) lastSeen.set(id, now);
    if (stale.length > 0) removeAwarenessStates(awareness, stale, 'presence timeout');
  }, CHECK_MS);
  return () => {
    clock.clearInterval(heartbeat);
    clock.clearInterval(sweep);
    awareness.off('update', onUpdate);
  };
}

export function participantsOf(awareness: Awareness): Participant[] {
  const list: Participant[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: Partial<PeerUser>; file?: unknown }).user;
    if (!user?.name) return;
    const file = (state as { file?: unknown }).file;
    list.push({
      clientId,
      name: user.name,
      color: user.color ?? '#888888',
      self: clientId === awareness.clientID,
      file: typeof file === 'string' ? file : null,
    });
  });
  return list.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

const PALETTE = ['#e06c75', '#61afef', '#98c379', '#e5c07b', '#c678dd', '#56b6c2', '#d19a66', '#f472b6'];

/** A stable colour per client id, so a peer keeps its colour across reconnects. */
export function colorFor(clientId: number): string {
  return PALETTE[clientId % PALETTE.length] as string;
}
