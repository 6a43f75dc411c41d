// The collab feature's state in this window, outside React: the current shared session, starting one (Share: pick
// the files, then host), joining one (invite code), restoring one after a restart, following a peer, and wiring the
// session to the workbench's editors and models. Failures are shown as toasts; the actions resolve either way.
import {
  type Disposable,
  DisposableStore,
  ErrorCode,
  errorMessage,
  PaError,
  type Result,
  type SeatsGrant,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { cursorCss } from './cursor-styles';
import { decodeInvite, encodeInvite, newRoom } from './invite';
import type { SharedSession } from './session';

/**
 * Yjs, y-webrtc, y-monaco and the relay client (a few hundred KB of script) load with the first session shared or
 * joined, not with the page.
 */
const loadSession = () => Promise.all([import('./session'), import('./presence')]);

export interface CollabSettings {
  name: string;
  relayUrl: string;
  relayToken: string;
}

/** What the host may share: the workspace's files minus ignored, binary and oversized ones, and why each was left out. */
export type ShareCandidates = Result<'collab.shareableFiles'>;

export type CollabApi = Pick<
  WorkbenchApi,
  | 'client'
  | 'notify'
  | 'openFile'
  | 'activeFile'
  | 'editor'
  | 'model'
  | 'saveFile'
  | 'autoSave'
  | 'onDidOpenModel'
  | 'onDidChangeActiveFile'
  | 'onDidSaveFile'
> & {
  /** What applies now: Settings › Collaboration (cursor labels, your colour) is followed live. */
  settings: Pick<WorkbenchApi['settings'], 'effective'>;
};

const SETTINGS_KEY = 'pa.collab.settings';

export class CollabController implements Disposable {
  readonly session = new Observable<SharedSession | null>(null);
  readonly invite = new Observable<string | null>(null);
  readonly busy = new Observable<boolean>(false);
  /** Share's first step: the files offered for the host to choose from (null while not choosing). */
  readonly candidates = new Observable<ShareCandidates | null>(null);
  readonly settings: Observable<CollabSettings>;
  private readonly store = new DisposableStore();
  /** What ties the open session to the workbench; disposed when it closes. */
  private sessionStore = new DisposableStore();
  private readonly style: HTMLStyleElement;

  constructor(private readonly api: CollabApi) {
    this.settings = new Observable(loadSettings());
    this.style = document.createElement('style');
    this.style.dataset.collab = 'cursors';
    document.head.append(this.style);
    this.store.defer(() => this.style.remove());
    // disposed last in, first out: the subscriptions end, then the session closes, then the style goes
    this.store.defer(() => void this.closeSession().catch((error: unknown) => console.warn('collab:', error)));
    // closing the window must not lose the last 200 ms of edits: the RPC frames leave before the page goes
    const flush = () => this.session.value?.flush();
    window.addEventListener('pagehide', flush);
    this.store.defer(() => window.removeEventListener('pagehide', flush));
    this.store.add(
      api.onDidOpenModel((path, model) => {
        this.attachEditor();
        this.session.value?.bind(path, model);
      }),
    );
    this.store.add(
      api.onDidChangeActiveFile((path) => {
        this.attachEditor();
        this.session.value?.setActiveFile(path);
      }),
    );
    this.store.add(api.onDidSaveFile((path, content) => this.session.value?.didSaveFile(path, content)));
    // auto-save turned on: what is unsaved now is saved too, as for every other file
    this.store.defer(
      api.autoSave.subscribe(() => {
        if (api.autoSave.value) void this.session.value?.save().catch((error) => console.warn('collab:', error));
      }),
    );
  }

  saveSettings(settings: CollabSettings): void {
    this.settings.set(settings);
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  }

  updateSettings(change: Partial<CollabSettings>): void {
    this.saveSettings({ ...this.settings.value, ...change });
  }

  /** Reopens the session the engine remembers (an offline session survives closing the app); a failure is a toast. */
  async restore(): Promise<void> {
    try {
      await this.reopen();
    } catch (error) {
      if (!this.store.isDisposed) this.api.notify(`Could not restore the shared session: ${errorMessage(error)}`);
    }
  }

  private async reopen(): Promise<void> {
    const { client } = this.api;
    const { session } = await client.call('collab.state');
    if (!session || this.session.value) return;
    // the broadcast state carries no secret: this window runs the session, so it asks for them
    const { secret, relayToken } = await client.call('collab.credentials', { roomId: session.roomId });
    if (!secret) return;
    const relay = session.relay ? { url: session.relay.url, token: relayToken } : null;
    await this.open({
      roomId: session.roomId,
      secret,
      role: session.role,
      relay,
      sharedFiles: session.files,
      allowFileChanges: session.allowFileChanges,
      participantLimit: session.participantLimit,
      seats: session.seats,
    });
    this.invite.set(encodeInvite({ roomId: session.roomId, secret, relay }));
  }

  /** Share's first step: asks the engine what may be shared and offers it for choosing (`candidates`). */
  async chooseFiles(): Promise<void> {
    const candidates = await this.whileBusy(() => this.api.client.call('collab.shareableFiles'));
    if (candidates) this.candidates.set(candidates);
  }

  cancelChoice(): void {
    this.candidates.set(null);
  }

  /**
   * Hosts a session sharing `files` (default: collab.shareableFiles) and answers with the invite code, or null
   * when it failed (the toast says why). Guests may change the text of those files only, unless
   * `allowFileChanges` also lets them create new ones.
   */
  async share(
    files?: readonly string[],
    options: { allowFileChanges?: boolean; saveGuestEdits?: boolean } = {},
  ): Promise<string | null> {
    const hosted = await this.whileBusy(async () => {
      const { client } = this.api;
      const selection = files ?? (await client.call('collab.shareableFiles')).files;
      const room = await newRoom();
      const relay = this.relayFromSettings();
      const { session } = await client.call('collab.host', {
        ...room,
        files: [...selection],
        allowFileChanges: options.allowFileChanges ?? false,
        saveGuestEdits: options.saveGuestEdits ?? true,
        ...(relay ? { relay } : {}),
      });
      const shared = await this.open({
        ...room,
        role: 'host',
        relay,
        sharedFiles: session.files,
        allowFileChanges: session.allowFileChanges,
        participantLimit: session.participantLimit,
        seats: session.seats,
      });
      await shared.share(session.files, (path) => this.api.model(path)?.getValue() ?? null);
      const code = encodeInvite({ ...room, relay });
      this.invite.set(code);
      this.candidates.set(null);
      return code;
    });
    return hosted ?? null;
  }

  /** Joins the session of an invite code; resolves false when that failed (the toast says why). */
  async join(code: string): Promise<boolean> {
    const joined = await this.whileBusy(async () => {
      const invite = decodeInvite(code);
      const relay = invite.relay ?? this.relayFromSettings();
      const { session } = await this.api.client.call('collab.join', {
        roomId: invite.roomId,
        secret: invite.secret,
        ...(relay ? { relay } : {}),
      });
      await this.open({
        roomId: invite.roomId,
        secret: invite.secret,
        role: 'guest',
        relay,
        sharedFiles: session.files,
        participantLimit: null,
        seats: null,
      });
      this.invite.set(encodeInvite({ ...invite, relay }));
      return true;
    });
    return joined ?? false;
  }

  async leave(): Promise<void> {
    const session = this.session.value;
    if (!session) return;
    await this.whileBusy(async () => {
      await this.closeSession();
      await this.api.client.call('collab.leave', { roomId: session.status.value.roomId });
      this.invite.set(null);
    });
  }

  /** Writes every shared file's unsaved changes to this disk (open tabs through the workbench, like Ctrl+S). */
  async saveShared(): Promise<void> {
    const session = this.session.value;
    if (session) await this.whileBusy(() => session.save());
  }

  setOffline(offline: boolean): void {
    if (offline) this.session.value?.disconnect();
    else this.session.value?.connect();
  }

  /** Follows a peer (their file and cursor), or stops following them when already doing so. */
  toggleFollow(clientId: number): void {
    const session = this.session.value;
    if (!session) return;
    session.follow(session.status.value.following === clientId ? null : clientId);
  }

  dispose(): void {
    this.store.dispose();
  }

  private async open(params: {
    roomId: string;
    secret: string;
    role: 'host' | 'guest';
    relay: { url: string; token: string } | null;
    sharedFiles: readonly string[];
    allowFileChanges?: boolean;
    participantLimit: number | null;
    seats: SeatsGrant | null;
  }): Promise<SharedSession> {
    await this.closeSession();
    const [{ SharedSession: Session }, { colorFor }] = await loadSession();
    const settings = this.settings.value;
    const session = await Session.open({
      ...params,
      client: this.api.client,
      user: { name: settings.name, color: '#888888' },
      openFile: (path) => this.api.openFile(path),
      activeFile: () => this.api.activeFile(),
      editorFiles: { isOpen: (path) => this.api.model(path) !== null, save: (path) => this.api.saveFile(path) },
      model: (path) => this.api.model(path),
      autoSave: () => this.api.autoSave.value,
    });
    if (this.store.isDisposed) {
      // the feature went while the session opened (a restore at start-up): it must not stay connected unseen
      await session.destroy();
      throw new PaError(ErrorCode.CANCELLED, 'Live Share closed before the session opened.');
    }
    const colorNow = () =>
      this.api.settings.effective.value['collaboration.cursorColor'] || colorFor(session.doc.clientID);
    let color = colorNow();
    session.awareness.setLocalStateField('user', { name: settings.name, color });
    this.session.set(session);
    this.attachEditor();
    const bindOpen = () => {
      for (const path of session.files.keys()) {
        const model = this.api.model(path);
        if (model) session.bind(path, model);
      }
    };
    bindOpen();
    session.files.observe(bindOpen);
    const renderCursors = () => {
      const labels = this.api.settings.effective.value['collaboration.showCursorLabels'];
      this.style.textContent = cursorCss(session.status.value.participants, { labels });
    };
    const tied = new DisposableStore();
    tied.defer(() => session.files.unobserve(bindOpen));
    tied.defer(session.status.subscribe(renderCursors));
    // Settings › Collaboration, live: the labels redraw here, a new colour goes to the peers at once
    tied.defer(
      this.api.settings.effective.subscribe(() => {
        renderCursors();
        if (colorNow() === color) return;
        color = colorNow();
        const user = session.awareness.getLocalState()?.user as { name?: string } | undefined;
        session.awareness.setLocalStateField('user', { name: user?.name ?? settings.name, color });
      }),
    );
    this.sessionStore = tied;
    session.setActiveFile(this.api.activeFile());
    return session;
  }

  private async closeSession(): Promise<void> {
    const session = this.session.value;
    if (!session) return;
    this.sessionStore.dispose();
    this.session.set(null);
    this.style.textContent = '';
    await session.destroy();
  }

  private attachEditor(): void {
    const editor = this.api.editor();
    if (editor) this.session.value?.attachEditor(editor);
  }

  private relayFromSettings(): { url: string; token: string } | null {
    const { relayUrl, relayToken } = this.settings.value;
    return relayUrl.trim() ? { url: relayUrl.trim(), token: relayToken.trim() } : null;
  }

  /** Busy while `work` runs; its failure is a toast and the result undefined. */
  private async whileBusy<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy.set(true);
    try {
      return await work();
    } catch (error) {
      if (!this.store.isDisposed) this.api.notify(errorMessage(error), 'error');
      return undefined;
    } finally {
      this.busy.set(false);
    }
  }
}

function loadSettings(): CollabSettings {
  const fallback = { name: `Guest ${Math.floor(Math.random() * 900 + 100)}`, relayUrl: '', relayToken: '' };
  try {
    const stored = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null') as Partial<CollabSettings> | null;
    return { ...fallback, ...stored };
  } catch {
    return fallback; // unreadable settings: start from defaults rather than break the feature
  }
}
