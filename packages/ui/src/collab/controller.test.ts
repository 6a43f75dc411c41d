// @vitest-environment jsdom
import { type CollabSession, defaultSettings, ErrorCode, PaError, toDisposable } from '@pa/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, FakeEngine } from '../testing/fake-engine';
import { Observable } from '../workbench/observable';
import { type CollabApi, CollabController, type ShareCandidates } from './controller';
import { encodeInvite } from './invite';

// y-monaco loads all of Monaco (and its CSS), which Node cannot import; no editor is bound in these tests
vi.mock('y-monaco', () => ({ MonacoBinding: class {} }));

const ROOM = { roomId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', secret: 'c2VjcmV0LW9mLXRoZS1yb29tLTEyMw' };

const GUEST_SESSION: CollabSession = {
  roomId: ROOM.roomId,
  role: 'guest',
  relay: null,
  files: [],
  allowFileChanges: false,
  saveGuestEdits: true,
  participantLimit: null,
  seats: null,
  startedAt: 1,
};

const CANDIDATES: ShareCandidates = {
  files: ['src/a.ts', 'README.md'],
  skipped: [{ path: 'logo.png', reason: 'binary' }],
};

function setup() {
  const engine = new FakeEngine();
  const toasts: string[] = [];
  const subscribed = { live: 0 };
  const listener = () => {
    subscribed.live += 1;
    return toDisposable(() => {
      subscribed.live -= 1;
    });
  };
  // counted like the others: auto-save is an Observable, whose subscription is a function
  const autoSave = new Observable(false);
  const subscribe = autoSave.subscribe;
  autoSave.subscribe = (listener) => {
    subscribed.live += 1;
    const unsubscribe = subscribe(listener);
    return () => {
      subscribed.live -= 1;
      unsubscribe();
    };
  };
  const api: CollabApi = {
    client: engine.client,
    notify: (message) => toasts.push(message),
    openFile: async () => {},
    activeFile: () => null,
    editor: () => null,
    model: () => null,
    saveFile: async () => {},
    autoSave,
    onDidOpenModel: listener,
    onDidChangeActiveFile: listener,
    onDidSaveFile: listener,
    settings: { effective: new Observable(defaultSettings) },
  };
  const collab = new CollabController(api);
  return { engine, collab, toasts, subscribed, settings: api.settings.effective };
}

const cursorStyles = () => document.head.querySelectorAll('style[data-collab="cursors"]').length;

afterEach(() => {
  localStorage.clear();
});

describe('CollabController', () => {
  it('is busy while the engine lists the shareable files, then offers them; Cancel takes them back', async () => {
    const { engine, collab } = setup();
    const answer = deferred<ShareCandidates>();
    engine.answer('collab.shareableFiles', () => answer.promise);
    const choosing = collab.chooseFiles();
    expect(collab.busy.value).toBe(true);
    answer.resolve(CANDIDATES);
    await choosing;
    expect(collab.busy.value).toBe(false);
    expect(collab.candidates.value).toEqual(CANDIDATES);
    collab.cancelChoice();
    expect(collab.candidates.value).toBeNull();
    collab.dispose();
  });

  it('shows a refused share as a toast, resolves null and keeps the choice for another try', async () => {
    const { engine, collab, toasts } = setup();
    engine.answer('collab.shareableFiles', async () => CANDIDATES);
    engine.answer('collab.host', () => {
      throw new PaError(ErrorCode.LICENSE, 'Hosting a session needs the Professional edition.');
    });
    await collab.chooseFiles();
    expect(await collab.share(['src/a.ts'])).toBeNull();
    expect(toasts).toEqual(['Hosting a session needs the Professional edition.']);
    expect(collab.busy.value).toBe(false);
    expect(collab.session.value).toBeNull();
    expect(collab.candidates.value).toEqual(CANDIDATES);
    collab.dispose();
  });

  it('says why an invite code is not one, without asking the engine', async () => {
    const { engine, collab, toasts } = setup();
    expect(await collab.join('hello')).toBe(false);
    expect(toasts).toEqual(['This is not an invite code: it should start with "pa1-".']);
    expect(collab.busy.value).toBe(false);
    expect(engine.methods()).not.toContain('collab.join');
    collab.dispose();
  });

  it('tells the user when the remembered session could not be restored', async () => {
    const { engine, collab, toasts } = setup();
    engine.answer('collab.state', () => {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is not connected.');
    });
    await collab.restore();
    expect(toasts).toEqual(['Could not restore the shared session: The engine is not connected.']);
    collab.dispose();
  });

  it('keeps its settings in page storage for the next window', () => {
    const first = setup().collab;
    first.updateSettings({ name: 'Ada', relayUrl: 'wss://relay.example' });
    first.dispose();
    const second = setup().collab;
    expect(second.settings.value).toMatchObject({ name: 'Ada', relayUrl: 'wss://relay.example', relayToken: '' });
    second.dispose();
  });

  it('lets go of the workbench when disposed: its subscriptions (auto-save too) and the cursor style', () => {
    const before = cursorStyles();
    const { collab, subscribed } = setup();
    expect(subscribed.live).toBe(4);
    expect(cursorStyles()).toBe(before + 1);
    collab.dispose();
    expect(subscribed.live).toBe(0);
    expect(cursorStyles()).toBe(before);
  });

  it('sends the colour of Settings › Collaboration to the peers and follows a change of it at once', async () => {
    const { engine, collab, settings } = setup();
    settings.set({ ...settings.value, 'collaboration.cursorColor': '#123456' });
    engine.answer('collab.join', async () => ({ session: GUEST_SESSION }));
    engine.answer('collab.loadUpdates', async () => ({ updates: [] }));
    expect(await collab.join(encodeInvite({ ...ROOM, relay: null }))).toBe(true);
    const ownColor = () =>
      (collab.session.value?.awareness.getLocalState()?.user as { color?: string } | undefined)?.color;
    expect(ownColor()).toBe('#123456');
    settings.set({ ...settings.value, 'collaboration.cursorColor': '#abcdef' });
    expect(ownColor()).toBe('#abcdef');
    settings.set({ ...settings.value, 'collaboration.cursorColor': '' }); // back to the one picked per session
    expect(ownColor()).toMatch(/^#[0-9a-f]{6}$/);
    expect(ownColor()).not.toBe('#abcdef');
    collab.dispose();
  });

  it('does not keep a session that finishes opening after the feature was disposed, and says nothing', async () => {
    const { engine, collab, toasts } = setup();
    const loading = deferred<{ updates: string[] }>();
    engine.answer('collab.join', async () => ({ session: GUEST_SESSION }));
    engine.answer('collab.loadUpdates', () => loading.promise);
    const joining = collab.join(encodeInvite({ ...ROOM, relay: null }));
    await vi.waitFor(() => expect(engine.methods()).toContain('collab.loadUpdates'));
    collab.dispose();
    loading.resolve({ updates: [] });
    expect(await joining).toBe(false);
    expect(collab.session.value).toBeNull();
    expect(toasts).toEqual([]);
  });
});
