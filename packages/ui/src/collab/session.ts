// One shared session in this window: the workspace's Yjs document (a map of shared files, each a Y.Text), its
// transports (y-webrtc peer-to-peer, RelaySyncProvider to the relay), presence, the engine-side update log that
// keeps offline edits, Monaco bindings, and saving shared files through this participant's own engine, which
// writes only the paths it admitted (SharedFilesSync). A peer's edit is not written by itself: an open tab turns
// dirty, a closed file is listed as unsaved, and the disk follows when this participant saves (or auto-saves).
// The texts hold what an editor model holds (line endings as in the file); a UTF-8 BOM travels in `bom`.
import { DisposableStore, type EngineClient, type SeatsGrant } from '@pa/shared';
import { type RelayStatus, RelaySyncProvider } from '@pa/shared/relay/client';
import { peerSelectionOf } from '@pa/shared/relay/presence';
import { RelayErrorCode } from '@pa/shared/relay/protocol';
import type * as monaco from 'monaco-editor';
import { MonacoBinding } from 'y-monaco';
import { Awareness } from 'y-protocols/awareness';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { keepChangeBufferShort } from '../editor/change-buffer';
import { Observable } from '../workbench/observable';
import { SharedCursors } from './cursors';
import { type EditorFiles, SharedFileWriter } from './disk-writer';
import { type Participant, type PeerUser, participantsOf, startPresence } from './presence';
import { addSharedFiles } from './share-files';
import { type RefusedChange, SharedFilesSync } from './shared-files';

export type SyncState = 'offline' | 'syncing' | 'synced';

export interface SessionStatus {
  role: 'host' | 'guest';
  roomId: string;
  /** Participants other than us with a live presence. */
  peers: number;
  /** Peers reached directly over WebRTC. */
  directPeers: number;
  relay: 'none' | 'reachable' | 'unreachable';
  sync: SyncState;
  participants: Participant[];
  following: number | null;
  offline: boolean;
  /** Host only: more people are present than the license admits (y-webrtc refuses the extra direct peers). */
  overLimit: boolean;
  /** Guest: the relay turned us away, every seat of the host's edition is taken; it retries until one frees. */
  full: boolean;
  /** Host: guests may create new files too (the session option chosen at share time). */
  allowFileChanges: boolean;
  /** Peers' changes our engine refused to write (a path the host did not share, .git, …), newest last. */
  refused: readonly RefusedChange[];
  /** Shared files with changes not on this disk yet (Save writes them). */
  unsaved: readonly string[];
}

export interface SessionOptions {
  client: EngineClient;
  roomId: string;
  secret: string;
  role: 'host' | 'guest';
  relay: { url: string; token: string } | null;
  /** The paths the engine writes for the session (CollabSession.files): any other key is a peer's request. */
  sharedFiles: readonly string[];
  /** Host: the engine lets guests create new (unprotected) files in this session. */
  allowFileChanges?: boolean;
  user: PeerUser;
  /** Guests beyond this are refused WebRTC connections by the host (null = y-webrtc's default). */
  participantLimit: number | null;
  /** Host only: the engine's signed guest limit, which the relay enforces for its sync and signaling. */
  seats: SeatsGrant | null;
  /** Opens a shared file for "follow" (the workbench's openFile). */
  openFile?: (path: string) => Promise<void>;
  /** The file of the active tab, so "follow" only switches tabs when the followed peer is elsewhere. */
  activeFile?: () => string | null;
  /** Files open in a tab, saved through the workbench rather than with collab.writeFile (see SharedFileWriter). */
  editorFiles?: EditorFiles;
  /** The model of an open file, bound once the engine admits its path. */
  model?: (path: string) => monaco.editor.ITextModel | null;
  /** Write peers' changes by themselves while this answers true (the auto-save setting, off by default). */
  autoSave?: () => boolean;
}

/** Engine writes and update-log appends are batched: a keystroke is not a disk write. */
const PERSIST_DELAY_MS = 200;
/** The origin of updates loaded from the engine's log, so they are not written back to it. */
const FROM_STORE = Symbol('collab-store');

export class SharedSession {
  readonly doc = new Y.Doc();
  readonly files: Y.Map<Y.Text> = this.doc.getMap<Y.Text>('files');
  /** Paths whose file begins with a UTF-8 byte order mark (true); editor models drop it, the save puts it back. */
  readonly boms: Y.Map<boolean> = this.doc.getMap<boolean>('bom');
  readonly awareness = new Awareness(this.doc);
  readonly status: Observable<SessionStatus>;
  private webrtc: WebrtcProvider | null = null;
  private relay: RelaySyncProvider | null = null;
  private readonly bindings = new Map<string, { binding: MonacoBinding; model: monaco.editor.ITextModel }>();
  /** y-monaco reads this set on every remote edit to keep our selection in place, so it is shared, not copied. */
  private readonly editors = new Set<monaco.editor.IStandaloneCodeEditor>();
  private readonly cursors = new Map<monaco.editor.IStandaloneCodeEditor, SharedCursors>();
  private readonly writer: SharedFileWriter;
  private sync: SharedFilesSync | null = null;
  private pendingUpdates: Uint8Array[] = [];
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  /** Everything the session set up, torn down in reverse by destroy(). */
  private readonly store = new DisposableStore();
  private relayStatus: RelayStatus = 'offline';
  private directPeers = 0;
  private webrtcSynced = false;

  private constructor(private readonly options: SessionOptions) {
    this.store.defer(() => this.doc.destroy());
    this.store.defer(() => this.awareness.destroy());
    this.writer = new SharedFileWriter(options.client, options.roomId, options.editorFiles ?? null);
    this.status = new Observable<SessionStatus>({
      role: options.role,
      roomId: options.roomId,
      peers: 0,
      directPeers: 0,
      relay: options.relay ? 'unreachable' : 'none',
      sync: 'offline',
      participants: [],
      following: null,
      offline: false,
      overLimit: false,
      full: false,
      allowFileChanges: options.allowFileChanges ?? false,
      refused: [],
      unsaved: [],
    });
  }

  /** Restores the room's stored updates from the engine, then goes online. */
  static async open(options: SessionOptions): Promise<SharedSession> {
    const session = new SharedSession(options);
    const { updates } = await options.client.call('collab.loadUpdates', { roomId: options.roomId });
    Y.transact(
      session.doc,
      () => {
        for (const update of updates) Y.applyUpdate(session.doc, base64ToBytes(update), FROM_STORE);
      },
      FROM_STORE,
    );
    for (const [path, text] of session.files) session.writer.remember(path, text.toString());
    session.start();
    return session;
  }

  private start(): void {
    const { options } = this;
    this.awareness.setLocalState({ user: options.user, file: null });
    const { store } = this;
    store.defer(startPresence(this.awareness));
    const onAwareness = () => this.refresh();
    this.awareness.on('change', onAwareness);
    store.defer(() => this.awareness.off('change', onAwareness));

    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORE) return;
      this.pendingUpdates.push(update);
      this.persistTimer ??= setTimeout(() => void this.persist(), PERSIST_DELAY_MS);
    };
    this.doc.on('update', onUpdate);
    store.defer(() => this.doc.off('update', onUpdate));

    const sync = new SharedFilesSync(this.files, {
      client: options.client,
      roomId: options.roomId,
      writer: this.writer,
      admitted: options.sharedFiles,
      // a peer can put any value here: only `true` is a BOM
      bom: (path) => this.boms.get(path) === true,
      ...(options.autoSave ? { autoSave: options.autoSave } : {}),
      writeMissing: options.role === 'guest',
      onDidAdmit: (path) => {
        const model = options.model?.(path);
        if (model) this.bind(path, model);
        // a path admitted just now may be where we are, or where the followed peer is
        if (path === options.activeFile?.()) this.setActiveFile(path);
        this.applyFollow();
      },
    });
    this.sync = store.add(sync);
    store.defer(
      sync.refusals.subscribe(() => this.status.update((status) => ({ ...status, refused: sync.refusals.value }))),
    );
    store.defer(
      sync.unsaved.subscribe(() => this.status.update((status) => ({ ...status, unsaved: sync.unsaved.value }))),
    );
    // a key replaced by a new Y.Text (a peer's map.set) needs its open model bound to the new text
    const onKeys = (event: Y.YMapEvent<Y.Text>) => {
      for (const key of event.keysChanged) this.rebind(key);
    };
    this.files.observe(onKeys);
    store.defer(() => this.files.unobserve(onKeys));
    store.defer(() => this.unbindAll());
    this.connect();
  }

  /** Goes online: WebRTC to peers (signaling through the relay) and the sync connection to the relay. */
  connect(): void {
    const { options } = this;
    if (!this.webrtc) {
      const signaling = options.relay ? [signalUrl(options.relay)] : [];
      const webrtc = new WebrtcProvider(options.roomId, this.doc, {
        signaling,
        password: options.secret,
        awareness: this.awareness,
        // loopback and LAN peers need no STUN; a public STUN server would leak our address to a third party
        peerOpts: { config: { iceServers: [] } },
        ...(options.role === 'host' && options.participantLimit !== null ? { maxConns: options.participantLimit } : {}),
      });
      webrtc.on('peers', ({ webrtcPeers }: { webrtcPeers: string[] }) => {
        this.directPeers = webrtcPeers.length;
        this.refresh();
      });
      webrtc.on('synced', ({ synced }: { synced: boolean }) => {
        this.webrtcSynced = synced;
        this.refresh();
      });
      this.store.defer(() => {
        // y-webrtc's destroy() leaves its signaling sockets to the relay open and reconnecting for ever;
        // disconnect() is what releases them
        webrtc.disconnect();
        webrtc.destroy();
      });
      this.webrtc = webrtc;
    } else {
      this.webrtc.connect();
    }
    if (options.relay) {
      if (!this.relay) {
        const relay = new RelaySyncProvider(this.doc, {
          url: options.relay.url,
          token: options.relay.token,
          roomId: options.roomId,
          secret: options.secret,
          awareness: this.awareness,
          ...(options.seats ? { seats: seatsFrame(options.seats) } : {}),
        });
        relay.onDidChangeStatus((status) => {
          this.relayStatus = status;
          this.refresh();
        });
        relay.onDidError((error) => {
          if (error.code === RelayErrorCode.sessionFull) this.status.update((status) => ({ ...status, full: true }));
          else console.warn('collab relay:', error.code, error.message);
        });
        this.store.defer(() => relay.destroy());
        this.relay = relay;
      } else {
        this.relay.connect();
      }
    }
    this.status.update((status) => ({ ...status, offline: false }));
  }

  /** Works offline: edits keep going to the engine's log and merge when connect() is called again. */
  disconnect(): void {
    this.webrtc?.disconnect();
    this.relay?.disconnect();
    this.directPeers = 0;
    this.webrtcSynced = false;
    // offline by choice: not waiting for a seat any more
    this.status.update((status) => ({ ...status, offline: true, full: false }));
    this.refresh();
  }

  /**
   * Host: adds its shared files to the map, with the text of an open model when there is one (its unsaved edits
   * included), else from disk; a file that is not text by content (files.read's binary) is never put in a Y.Text.
   */
  async share(paths: readonly string[], currentText: (path: string) => string | null): Promise<void> {
    // only what the engine recorded as shared: it writes nothing else for the session
    const missing = paths.filter((path) => this.sync?.isAdmitted(path) && !this.files.has(path));
    const added = await addSharedFiles(this.options.client, this, missing, currentText);
    for (const { path, disk } of added) this.sync?.markOnDisk(path, disk);
    this.setActiveFile(this.options.activeFile?.() ?? null);
  }

  /** The workbench wrote an open file (Ctrl+S, Save All): if it is a shared file's text, that is saved now. */
  didSaveFile(path: string, content: string): void {
    this.sync?.markOnDisk(path, content);
  }

  /** Whether `path` is in the session: in the shared map and admitted by our engine (a peer's key alone is not). */
  isShared(path: string): boolean {
    return this.files.has(path) && (this.sync?.isAdmitted(path) ?? false);
  }

  /** Binds an open file's model to its shared text (the model takes the shared content); shared files only. */
  bind(path: string, model: monaco.editor.ITextModel): void {
    if (!this.isShared(path)) return;
    const text = this.files.get(path);
    const existing = this.bindings.get(path);
    // a peer can put any value under a key: only a Y.Text is a file's text
    if (!(text instanceof Y.Text) || (existing && existing.model === model && existing.binding.ytext === text)) return;
    existing?.binding.destroy();
    // text only: our cursor and the others' go through SharedCursors, once per task rather than once per edit
    const binding = new MonacoBinding(text, model, this.editors, null);
    // every edit, typed here or a peer's, would otherwise copy all text the model ever received (change-buffer.ts)
    keepChangeBufferShort(model);
    this.bindings.set(path, { binding, model });
    const dispose = model.onWillDispose(() => {
      dispose.dispose();
      if (this.bindings.get(path)?.binding === binding) this.bindings.delete(path);
    });
    for (const cursors of this.cursors.values()) cursors.refresh();
  }

  /** The workbench's editor: needed to draw remote cursors and publish our own selection. */
  attachEditor(editor: monaco.editor.IStandaloneCodeEditor): void {
    if (this.editors.has(editor)) return;
    this.editors.add(editor);
    this.cursors.set(editor, new SharedCursors(editor, this.awareness, (model) => this.textOf(model)));
  }

  /** Tells the others which file we are in (for "follow" and the participants list). */
  setActiveFile(path: string | null): void {
    this.awareness.setLocalStateField('file', path !== null && this.isShared(path) ? path : null);
  }

  follow(clientId: number | null): void {
    this.status.update((status) => ({ ...status, following: clientId }));
    this.applyFollow();
  }

  /** Writes the shared files' unsaved changes (or those of `paths`) to this disk: Live Share's Save. */
  async save(paths?: readonly string[]): Promise<void> {
    await this.sync?.save(paths);
  }

  /** Sends the update log's pending part now, without waiting for the answer (the edits survive a restart). */
  flush(): void {
    void this.persist();
  }

  /** Leaves: unsaved changes stay in the engine's update log (unless the leave discards it), not on disk. */
  async destroy(): Promise<void> {
    // transports first (no peer's edit lands in a model being unbound), then bindings and cursors, observers, the
    // document last; then what is still pending goes to the log (nothing can add to it any more)
    try {
      this.store.dispose();
    } finally {
      await this.persist();
    }
  }

  private async persist(): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    if (this.pendingUpdates.length === 0) return;
    const update = Y.mergeUpdates(this.pendingUpdates);
    this.pendingUpdates = [];
    try {
      await this.options.client.call('collab.persistUpdate', {
        roomId: this.options.roomId,
        update: bytesToBase64(update),
      });
    } catch (error) {
      // keep it for the next attempt: losing it would lose an offline edit on restart
      this.pendingUpdates.unshift(update);
      console.warn('collab: could not store an update in the engine:', error);
    }
  }

  private unbindAll(): void {
    for (const { binding } of this.bindings.values()) binding.destroy();
    this.bindings.clear();
    for (const cursors of this.cursors.values()) cursors.dispose();
    this.cursors.clear();
  }

  private textOf(model: monaco.editor.ITextModel): Y.Text | null {
    for (const entry of this.bindings.values()) if (entry.model === model) return entry.binding.ytext;
    return null;
  }

  private rebind(path: string): void {
    const entry = this.bindings.get(path);
    if (!entry) return;
    entry.binding.destroy();
    this.bindings.delete(path);
    this.bind(path, entry.model);
  }

  private refresh(): void {
    const participants = participantsOf(this.awareness);
    const relayReachable = this.relayStatus === 'synced' || this.relayStatus === 'syncing';
    const connected = this.directPeers > 0 || relayReachable;
    const synced = this.relayStatus === 'synced' || (this.directPeers > 0 && this.webrtcSynced);
    this.status.update((status) => ({
      ...status,
      participants,
      peers: participants.filter((participant) => !participant.self).length,
      overLimit:
        this.options.role === 'host' &&
        this.options.participantLimit !== null &&
        participants.length - 1 > this.options.participantLimit,
      directPeers: this.directPeers,
      relay: this.options.relay ? (relayReachable ? 'reachable' : 'unreachable') : 'none',
      sync: !connected || status.offline ? 'offline' : synced ? 'synced' : 'syncing',
      full: status.full && !relayReachable,
    }));
    this.applyFollow();
  }

  private applyFollow(): void {
    const following = this.status.value.following;
    if (following === null) return;
    const state = this.awareness.getStates().get(following) as { file?: unknown } | undefined;
    if (!state) return;
    const file = state.file;
    if (typeof file === 'string' && this.isShared(file) && file !== this.options.activeFile?.()) {
      void this.options.openFile?.(file);
    }
    const head = peerSelectionOf(state)?.head;
    if (!head || typeof file !== 'string') return;
    const entry = this.bindings.get(file);
    const absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(head), this.doc);
    if (!entry || !absolute) return;
    const position = entry.model.getPositionAt(absolute.index);
    for (const editor of this.editors) {
      if (editor.getModel() === entry.model) editor.revealPositionInCenterIfOutsideViewport(position);
    }
  }
}

function signalUrl(relay: { url: string; token: string }): string {
  const base = relay.url.replace(/\/+$/, '');
  return `${base}/signal${relay.token ? `?token=${encodeURIComponent(relay.token)}` : ''}`;
}

function seatsFrame(seats: SeatsGrant): { guests: number; hostKey: Uint8Array; signature: Uint8Array } {
  return { guests: seats.guests, hostKey: base64ToBytes(seats.hostKey), signature: base64ToBytes(seats.signature) };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
