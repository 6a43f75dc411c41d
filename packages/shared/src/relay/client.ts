// Keeps a Y.Doc in sync with a room on the relay: encrypted updates with acknowledgements, replay since the last
// seen server sequence, resend of unacknowledged updates after reconnect, and periodic encrypted snapshots. What
// it asks the relay to store is signed with the room write key derived from the secret (the relay checks it).
// With awareness it also relays presence, and drops a peer's presence as soon as the relay reports it gone.
// Runs in the browser and in Node (pass `ws`'s WebSocket); transport only, like y-websocket.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type Disposable, errorMessage } from '../lifecycle.js';
import { deriveRoomKey, type RoomKey, sha256 } from './crypto.js';
import {
  CloseCode,
  joinStatement,
  MessageType,
  RelayErrorCode,
  type RelayMessage,
  readMessage,
  seatsClaimStatement,
  snapshotStatement,
  updateStatement,
  writeAwareness,
  writeHello,
  writeProof,
  writeSeats,
  writeSnapshot,
  writeSyncRequest,
  writeUpdate,
} from './protocol.js';
import { deriveWriteKey, type RoomWriteKey } from './write-key.js';

/** The structural slice of WebSocket we use (the browser's or the `ws` package's), so no DOM/Node types leak in. */
export interface RelayWebSocket {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}
export type RelayWebSocketConstructor = new (url: string) => RelayWebSocket;

export type RelayStatus = 'connecting' | 'syncing' | 'synced' | 'offline';

/** Timers are injected (tests) and declared structurally, as packages/shared has no DOM or Node types. */
export interface RelayTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RelaySyncOptions {
  /** The relay's base URL, e.g. `wss://relay.example.com`; the provider connects to `<url>/sync/<roomId>`. */
  url: string;
  /** The room id: the one the secret owns (roomIdForSecret); another is reported as `room_mismatch`. */
  roomId: string;
  /** The room secret shared by invite; the encryption and write keys are derived from it and never leave this process. */
  secret: string;
  /** Bearer token for the relay (sent as `?token=`, since browsers cannot set WebSocket headers). */
  token?: string;
  /** Defaults to `globalThis.WebSocket`; in Node pass `WebSocket` from the `ws` package. */
  WebSocket?: RelayWebSocketConstructor;
  /** Also relay (encrypted) presence, for when no WebRTC peer is reachable. */
  awareness?: awarenessProtocol.Awareness;
  /** Start connecting immediately (default true). */
  connect?: boolean;
  /** Send an encrypted snapshot when the relay's log has grown by about this many updates (default 500). */
  snapshotEvery?: number;
  /** Reconnect backoff bounds in ms (default 100 … 5000), doubled per failed attempt with jitter. */
  backoff?: { minMs: number; maxMs: number };
  /** Give up on a connection attempt that has not opened after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Injected randomness for jitter (tests). */
  random?: () => number;
  /** Injected timers (tests); defaults to the global ones. */
  timers?: RelayTimers;
  /** Host only: its signed guest limit, sent first on every connection (the relay holds the room to it). */
  seats?: { guests: number; hostKey: Uint8Array; signature: Uint8Array };
}

interface Pending {
  readonly clientSeq: number;
  /** Kept so that updates piled up offline can be merged into one before they are resent. */
  readonly update: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** The room write key's signature of updateStatement, which the relay checks. */
  readonly signature: Uint8Array;
}

interface RoomKeys {
  readonly room: RoomKey;
  readonly writer: RoomWriteKey;
  /** Host only: the write key's signature naming its host key, sent in every SEATS frame. */
  readonly seatsClaim: Uint8Array | null;
}

const WS_OPEN = 1;

export class RelaySyncProvider {
  readonly doc: Y.Doc;
  readonly roomId: string;
  /** Newest server sequence this doc has applied with nothing missing before it; survives reconnects. */
  lastServerSeq = 0;
  private statusValue: RelayStatus = 'offline';
  private socket: RelayWebSocket | null = null;
  private synced = false;
  private shouldConnect = false;
  private destroyed = false;
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private connectTimer: unknown = null;
  private readonly timers: RelayTimers;
  private nextClientSeq = 1;
  /** Sent but not yet acknowledged as durably stored; resent after every reconnect (Yjs applies idempotently). */
  private readonly pending = new Map<number, Pending>();
  private snapshotSeq = 0;
  /** The compaction the relay confirmed (SYNC_DONE, SNAPSHOT_STORED): where snapshotSeq falls back to if ours was stale. */
  private storedSnapshotSeq = 0;
  private snapshotInFlight = false;
  /** The connection whose pending updates have been (merged and) resent: new updates go straight out on it. */
  private resentOn: RelayWebSocket | null = null;
  /**
   * The relay refused an update because the room is at its storage cap: updates stay pending (like offline) until
   * a SNAPSHOT_STORED shows the log was compacted, or the next connection.
   */
  private roomFull = false;
  /** The relay's name for the room's log; null until the first SYNC_DONE. */
  private epoch: string | null = null;
  /** The doc had content before this provider was made: it must be sent once, since no update event carried it. */
  private hadLocalState: boolean;
  private readonly snapshotThreshold: number;
  private readonly keys: Promise<RoomKeys>;
  /** The connection that has answered its challenge: the relay takes frames from it. */
  private joinedOn: RelayWebSocket | null = null;
  /** The keys once derived: a connection names the write key's public half, so none opens before them. */
  private ready: RoomKeys | null = null;
  /** Encryption and decryption are async; these chains keep outgoing and incoming frames in order. */
  private outgoing: Promise<void> = Promise.resolve();
  private incoming: Promise<void> = Promise.resolve();
  private readonly statusListeners = new Set<(status: RelayStatus) => void>();
  private readonly syncListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(error: { code: string; message: string }) => void>();
  private readonly ackListeners = new Set<() => void>();
  private readonly WebSocketImpl: RelayWebSocketConstructor;
  private readonly backoff: { minMs: number; maxMs: number };
  private readonly connectTimeoutMs: number;
  private readonly random: () => number;
  private readonly awareness: awarenessProtocol.Awareness | undefined;

  constructor(
    doc: Y.Doc,
    private readonly options: RelaySyncOptions,
  ) {
    this.doc = doc;
    this.roomId = options.roomId;
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: RelayWebSocketConstructor }).WebSocket;
    if (ctor === undefined) throw new Error('No WebSocket implementation: pass one as the `WebSocket` option.');
    this.WebSocketImpl = ctor;
    this.backoff = options.backoff ?? { minMs: 100, maxMs: 5000 };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? (globalThis as unknown as RelayTimers);
    // jitter the threshold so peers reading the same log do not all snapshot at once
    const every = options.snapshotEvery ?? 500;
    this.snapshotThreshold = Math.max(1, Math.round(every * (1 + this.random() * 0.5)));
    this.awareness = options.awareness;
    const seats = options.seats;
    this.keys = Promise.all([deriveRoomKey(options.roomId, options.secret), deriveWriteKey(options.secret)]).then(
      async ([room, writer]) => ({
        room,
        writer,
        // the write key vouches for the host key: a relay client without the secret cannot name one
        seatsClaim: seats ? await writer.sign(seatsClaimStatement(options.roomId, seats.hostKey)) : null,
      }),
    );
    this.hadLocalState = doc.store.clients.size > 0;
    doc.on('update', this.onDocUpdate);
    this.awareness?.on('update', this.onAwarenessUpdate);
    if (options.connect !== false) this.connect();
  }

  get status(): RelayStatus {
    return this.statusValue;
  }

  /** Updates sent to the relay and not yet acknowledged as stored. */
  get unacknowledged(): number {
    return this.pending.size;
  }

  onDidChangeStatus(listener: (status: RelayStatus) => void): Disposable {
    return subscribe(this.statusListeners, listener);
  }

  /** Fires each time the doc has caught up with the relay's log after (re)connecting. */
  onDidSync(listener: () => void): Disposable {
    return subscribe(this.syncListeners, listener);
  }

  /** ERROR frames from the relay and undecryptable updates (wrong secret, tampering). */
  onDidError(listener: (error: { code: string; message: string }) => void): Disposable {
    return subscribe(this.errorListeners, listener);
  }

  whenSynced(): Promise<void> {
    if (this.statusValue === 'synced') return Promise.resolve();
    return new Promise((resolve) => {
      const subscription = this.onDidSync(() => {
        subscription.dispose();
        resolve();
      });
    });
  }

  /** Resolves once every local update made so far is durably stored on the relay. */
  async whenAcknowledged(): Promise<void> {
    await this.outgoing;
    if (this.pending.size === 0) return;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (this.pending.size === 0) {
          this.ackListeners.delete(check);
          resolve();
        }
      };
      this.ackListeners.add(check);
    });
  }

  connect(): void {
    if (this.destroyed) return;
    this.shouldConnect = true;
    if (this.socket === null && this.reconnectTimer === null) this.open();
  }

  /** Closes the connection and stays offline (local edits keep queueing) until connect(). */
  disconnect(): void {
    this.shouldConnect = false;
    this.clearTimers();
    const socket = this.socket;
    const awareness = this.awareness;
    this.dropSocket();
    if (socket === null) return;
    if (awareness && socket.readyState === WS_OPEN && socket === this.joinedOn) {
      // tell the others we left (a null state at our current clock, encrypted like everything else), then close
      // once that frame is out. Our own local state stays: the app (and y-webrtc) may still use it.
      const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [this.doc.clientID], new Map());
      this.outgoing = this.outgoing
        .then(async () => socket.send(writeAwareness(await (await this.keys).room.sealAwareness(update))))
        .catch((error: unknown) => this.reportCaught(error))
        .finally(() => socket.close(CloseCode.normal, 'client disconnect'));
      return;
    }
    socket.close(CloseCode.normal, 'client disconnect');
  }

  destroy(): void {
    this.disconnect();
    this.destroyed = true;
    this.doc.off('update', this.onDocUpdate);
    this.awareness?.off('update', this.onAwarenessUpdate);
    this.statusListeners.clear();
    this.syncListeners.clear();
    this.errorListeners.clear();
  }

  // --- connection lifecycle --------------------------------------------------------------------------------

  private open(): void {
    const ready = this.ready;
    if (ready === null) {
      // the URL names the write key: derive it first (once), then open if still wanted
      this.setStatus('connecting');
      this.keys.then(
        (keys) => {
          if (this.ready !== null) return;
          this.ready = keys;
          if (keys.writer.roomId !== this.roomId) {
            // the relay would refuse every attempt: say so once and stay offline
            this.shouldConnect = false;
            this.setStatus('offline');
            this.emitError({
              code: 'room_mismatch',
              message: `Room ${this.roomId} is not the room of this secret (${keys.writer.roomId}); check the invite.`,
            });
            return;
          }
          if (this.shouldConnect && !this.destroyed && this.socket === null && this.reconnectTimer === null)
            this.open();
        },
        (error: unknown) => this.reportCaught(error),
      );
      return;
    }
    if (ready.writer.roomId !== this.roomId) return;
    const base = this.options.url.replace(/\/+$/, '');
    const query = this.options.token ? `?token=${encodeURIComponent(this.options.token)}` : '';
    let socket: RelayWebSocket;
    try {
      socket = new this.WebSocketImpl(`${base}/sync/${encodeURIComponent(this.roomId)}${query}`);
    } catch (error) {
      // a malformed URL never gets better by retrying: report it and stay offline
      this.emitError({ code: 'bad_url', message: `Cannot connect to ${base}: ${errorMessage(error)}` });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.setStatus('connecting');
    this.connectTimer = this.timers.setTimeout(() => {
      if (this.socket === socket && socket.readyState !== WS_OPEN) socket.close(4000, 'connect timeout');
    }, this.connectTimeoutMs);
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.clearConnectTimer();
      // joining waits for the relay's CHALLENGE, the first frame it sends (see join)
      this.setStatus('syncing');
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      const bytes = toBytes(event.data);
      if (bytes === null) return;
      const read = readMessage(bytes);
      if (!read.ok) {
        this.emitError({ code: read.code, message: `Unreadable frame from the relay: ${read.reason}` });
        return;
      }
      const message = read.message;
      if (message.type === MessageType.error) {
        // at once, not behind decryption: a refusal must stop the sending before more frames go out
        this.refused(message.code, message.message, socket);
        return;
      }
      this.incoming = this.incoming
        .then(() => this.receive(message, socket))
        .catch((error: unknown) => this.reportCaught(error));
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      // cut off for flooding: come back no sooner than about a second, resending the backlog merged into one
      if (event.code === CloseCode.rateLimited) this.attempts = Math.max(this.attempts, 4);
      // the room's seats are taken: ask again at the slowest pace, someone may have left by then
      if (
        event.code === CloseCode.sessionFull ||
        event.code === CloseCode.roomRefused ||
        event.code === CloseCode.badProof
      ) {
        this.attempts = Math.max(this.attempts, 16);
      }
      this.dropSocket();
      this.scheduleReconnect();
    });
    socket.addEventListener('error', () => {
      // a 'close' event always follows; reconnecting happens there
    });
  }

  /**
   * Answers the relay's challenge with the write key's signature (only holders of the secret can), then sends what
   * every connection starts with. Nothing goes out on a connection before this.
   */
  private async join(nonce: Uint8Array, socket: RelayWebSocket): Promise<void> {
    const { writer, seatsClaim } = await this.keys;
    const proof = await writer.sign(joinStatement(this.roomId, nonce));
    if (this.socket !== socket || socket.readyState !== WS_OPEN) return;
    socket.send(writeProof(writer.publicKey, proof));
    this.joinedOn = socket;
    // the host's seats before anything else: they are what admits it to a full room
    const seats = this.options.seats;
    if (seats && seatsClaim) socket.send(writeSeats(seats.guests, seats.hostKey, seats.signature, seatsClaim));
    // ask first: the relay answers frames in order, so the resent updates below come after the replay
    socket.send(writeSyncRequest(this.lastServerSeq));
    // our awareness id in plaintext, so the relay can tell the room we left even if we die without a goodbye
    if (this.awareness) socket.send(writeHello([this.awareness.clientID]));
    this.roomFull = false;
    this.resendPending(socket);
  }

  /** Sends every pending update (merged into one first) on this connection; later updates then go out directly. */
  private resendPending(socket: RelayWebSocket): void {
    this.outgoing = this.outgoing
      .then(async () => {
        if (this.socket !== socket || this.roomFull) return;
        await this.mergePending();
        for (const item of [...this.pending.values()].sort((a, b) => a.clientSeq - b.clientSeq)) {
          socket.send(writeUpdate(item.clientSeq, item.ciphertext, item.signature));
        }
        this.resentOn = socket;
      })
      .catch((error: unknown) => this.reportCaught(error));
  }

  private refused(code: string, message: string, from: RelayWebSocket): void {
    if (code === RelayErrorCode.snapshotStale) {
      // another client compacted further first (its SNAPSHOT_STORED came before this): nothing went wrong. Once the
      // frames received before this error are applied, fall back to what the relay confirmed and carry on.
      this.incoming = this.incoming.then(() => {
        if (from !== this.socket) return;
        this.snapshotSeq = this.storedSnapshotSeq;
        this.maybeSnapshot();
      });
      return;
    }
    const full = code === RelayErrorCode.roomFull || code === RelayErrorCode.relayFull;
    if (full && !this.roomFull) {
      this.roomFull = true;
      // stop sending: new updates stay pending until there is room again
      this.resentOn = null;
      if (this.synced) this.setStatus('syncing');
      this.maybeSnapshot();
    }
    this.emitError({ code, message });
  }

  private dropSocket(): void {
    this.clearConnectTimer();
    this.socket = null;
    this.synced = false;
    this.setStatus('offline');
  }

  private scheduleReconnect(): void {
    if (!this.shouldConnect || this.destroyed || this.reconnectTimer !== null) return;
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** this.attempts);
    const delay = ceiling * (0.5 + this.random() * 0.5);
    this.attempts += 1;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.shouldConnect && this.socket === null) this.open();
    }, delay);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) this.timers.clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private clearTimers(): void {
    this.clearConnectTimer();
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  // --- inbound ---------------------------------------------------------------------------------------------

  private async receive(message: RelayMessage, from: RelayWebSocket): Promise<void> {
    // frames of a connection that has since closed must not mark the new one synced or move the sequence
    if (from !== this.socket) return;
    switch (message.type) {
      case MessageType.challenge:
        await this.join(message.nonce, from);
        return;
      case MessageType.broadcast: {
        const key = (await this.keys).room;
        try {
          const update = await key.openStored(message.ciphertext, message.serverSeq);
          Y.applyUpdate(this.doc, update, this);
        } catch (error) {
          // another secret in the same room id, or tampering: skip it rather than stall the whole log
          this.emitError({ code: 'undecryptable', message: errorMessage(error) });
        }
        if (from !== this.socket) return;
        this.advance(message.serverSeq);
        return;
      }
      case MessageType.ack:
        this.pending.delete(message.clientSeq);
        // during the replay an ACK may overtake older rows still to come: only SYNC_DONE vouches for the prefix
        if (this.synced) this.advance(message.serverSeq);
        for (const listener of [...this.ackListeners]) listener();
        return;
      case MessageType.syncDone:
        if (this.epoch !== null && message.epoch !== this.epoch) {
          // the relay lost or expired the room and started a new log: our sequence numbers mean nothing there.
          // Replay the new log from the start and re-seed it with everything this doc knows.
          this.epoch = message.epoch;
          this.lastServerSeq = 0;
          this.snapshotSeq = 0;
          this.storedSnapshotSeq = 0;
          from.send(writeSyncRequest(0));
          this.queueUpdate(Y.encodeStateAsUpdate(this.doc));
          return;
        }
        this.epoch = message.epoch;
        if (this.hadLocalState) {
          // edits made before this provider existed (restored from disk, offline) were never sent: send them once
          this.hadLocalState = false;
          this.queueUpdate(Y.encodeStateAsUpdate(this.doc));
        }
        this.lastServerSeq = Math.max(this.lastServerSeq, message.latestServerSeq);
        this.snapshotSeq = Math.max(this.snapshotSeq, message.snapshotSeq);
        this.storedSnapshotSeq = Math.max(this.storedSnapshotSeq, message.snapshotSeq);
        this.synced = true;
        this.attempts = 0;
        this.announcePresence();
        this.setStatus(this.roomFull ? 'syncing' : 'synced');
        for (const listener of [...this.syncListeners]) listener();
        this.maybeSnapshot();
        return;
      case MessageType.snapshotStored:
        this.snapshotSeq = Math.max(this.snapshotSeq, message.upToServerSeq);
        this.storedSnapshotSeq = Math.max(this.storedSnapshotSeq, message.upToServerSeq);
        if (this.roomFull) {
          // the log shrank: try the backlog again (a still-full room refuses it, and we wait for the next one)
          this.roomFull = false;
          if (this.synced) this.setStatus('synced');
          this.resendPending(from);
        }
        return;
      case MessageType.peerLeft: {
        const awareness = this.awareness;
        if (!awareness) return;
        const gone = message.clientIds.filter((id) => id !== awareness.clientID && awareness.states.has(id));
        if (gone.length > 0) awarenessProtocol.removeAwarenessStates(awareness, gone, this);
        return;
      }
      case MessageType.awareness: {
        const awareness = this.awareness;
        if (!awareness) return;
        const key = (await this.keys).room;
        const known = new Set(awareness.getStates().keys());
        try {
          awarenessProtocol.applyAwarenessUpdate(awareness, await key.openAwareness(message.ciphertext), this);
        } catch (error) {
          this.emitError({ code: 'undecryptable', message: errorMessage(error) });
          return;
        }
        // someone new: our state went out before they joined, so tell them (the others ignore the repeat)
        if ([...awareness.getStates().keys()].some((id) => !known.has(id))) this.sendAwareness();
        return;
      }
      default:
        // client-bound frames only; anything else from the relay is ignored
        return;
    }
  }

  /**
   * Once synced, every stored row reaches this connection exactly once and in order (a BROADCAST, or an ACK for our
   * own), so the sequence must be contiguous. A gap means a frame went missing: resync rather than let a snapshot
   * claim rows this doc never saw.
   */
  private advance(serverSeq: number): void {
    if (this.synced && serverSeq !== this.lastServerSeq + 1) {
      if (serverSeq <= this.lastServerSeq) return;
      this.emitError({ code: 'sequence_gap', message: `expected ${this.lastServerSeq + 1}, got ${serverSeq}` });
      this.socket?.close(4000, 'sequence gap');
      this.dropSocket();
      this.scheduleReconnect();
      return;
    }
    if (serverSeq > this.lastServerSeq) this.lastServerSeq = serverSeq;
    this.maybeSnapshot();
  }

  private maybeSnapshot(): void {
    if (!this.synced || this.snapshotInFlight) return;
    // a full room is compacted as soon as there is anything to compact, whatever the threshold
    const due = this.roomFull ? 1 : this.snapshotThreshold;
    if (this.lastServerSeq - this.snapshotSeq < due) return;
    const upTo = this.lastServerSeq;
    // upTo only means something on the connection (and log epoch) it was read on
    const socket = this.socket;
    const epoch = this.epoch;
    if (epoch === null) return;
    const state = Y.encodeStateAsUpdate(this.doc);
    this.snapshotInFlight = true;
    this.outgoing = this.outgoing
      .then(async () => {
        const { room, writer } = await this.keys;
        const ciphertext = await room.sealSnapshot(state, upTo);
        const signature = await writer.sign(snapshotStatement(this.roomId, epoch, upTo, await sha256(ciphertext)));
        if (this.synced && socket !== null && this.socket === socket && socket.readyState === WS_OPEN) {
          socket.send(writeSnapshot(upTo, ciphertext, signature));
          this.snapshotSeq = Math.max(this.snapshotSeq, upTo);
        }
        // not sent: the next advance or SYNC_DONE tries again
      })
      .catch((error: unknown) => this.reportCaught(error))
      .finally(() => {
        this.snapshotInFlight = false;
      });
  }

  // --- outbound --------------------------------------------------------------------------------------------

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    this.queueUpdate(update);
  };

  private queueUpdate(update: Uint8Array): void {
    this.outgoing = this.outgoing
      .then(async () => {
        const item = { clientSeq: this.nextClientSeq++, update, ...(await this.sealUpdate(update)) };
        this.pending.set(item.clientSeq, item);
        // until this connection's resend step has run, it stays pending: that step merges and sends it
        const socket = this.socket;
        if (socket !== null && socket === this.resentOn && socket.readyState === WS_OPEN) {
          socket.send(writeUpdate(item.clientSeq, item.ciphertext, item.signature));
        }
      })
      .catch((error: unknown) => this.reportCaught(error));
  }

  /** A long offline session leaves one pending update per keystroke: resend them as one (one row on the relay). */
  private async mergePending(): Promise<void> {
    if (this.pending.size < 2) return;
    const items = [...this.pending.values()].sort((a, b) => a.clientSeq - b.clientSeq);
    const update = Y.mergeUpdates(items.map((item) => item.update));
    const sealed = await this.sealUpdate(update);
    // replace only what was merged: an ACK that arrived meanwhile may already have removed some
    for (const item of items) this.pending.delete(item.clientSeq);
    const merged = { clientSeq: this.nextClientSeq++, update, ...sealed };
    this.pending.set(merged.clientSeq, merged);
  }

  /** Encrypts an update and signs the ciphertext with the room write key. */
  private async sealUpdate(update: Uint8Array): Promise<{ ciphertext: Uint8Array; signature: Uint8Array }> {
    const { room, writer } = await this.keys;
    const ciphertext = await room.sealUpdate(update);
    return { ciphertext, signature: await writer.sign(updateStatement(this.roomId, await sha256(ciphertext))) };
  }

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.awareness) return;
    const clients = [...changes.added, ...changes.updated, ...changes.removed];
    this.sendAwareness(clients);
  };

  /**
   * After (re)syncing, renew our awareness state rather than resend it: peers that were told we left (the relay
   * saw our old socket close) ignore a state whose clock they have seen, but accept the next one.
   */
  private announcePresence(): void {
    const awareness = this.awareness;
    const state = awareness?.getLocalState();
    if (!awareness || state === null || state === undefined) {
      this.sendAwareness();
      return;
    }
    // emits 'update' with a higher clock, which onAwarenessUpdate sends
    awareness.setLocalState(state);
  }

  private sendAwareness(clients: number[] = [this.doc.clientID]): void {
    const awareness = this.awareness;
    if (!awareness || !this.synced) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, clients);
    this.outgoing = this.outgoing
      .then(async () => this.sendIfSynced(writeAwareness(await (await this.keys).room.sealAwareness(update))))
      .catch((error: unknown) => this.reportCaught(error));
  }

  private sendIfSynced(frame: Uint8Array): void {
    if (this.synced && this.socket?.readyState === WS_OPEN) this.socket.send(frame);
  }

  // --- events ----------------------------------------------------------------------------------------------

  private setStatus(status: RelayStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  private emitError(error: { code: string; message: string }): void {
    for (const listener of [...this.errorListeners]) listener(error);
  }

  private reportCaught(error: unknown): void {
    this.emitError({ code: 'internal', message: errorMessage(error) });
  }
}

function subscribe<T>(set: Set<T>, listener: T): Disposable {
  set.add(listener);
  return { dispose: () => set.delete(listener) };
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
