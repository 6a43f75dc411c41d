// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { FakeEngine } from '../testing/fake-engine';
import { base64ToBytes, SharedSession } from './session';

// y-monaco loads all of Monaco (and its CSS), which Node cannot import; no editor is bound in these tests
vi.mock('y-monaco', () => ({ MonacoBinding: class {} }));

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

async function open() {
  const engine = new FakeEngine();
  const stored: Uint8Array[] = [];
  engine.answer('collab.loadUpdates', async () => ({ updates: [] }));
  engine.answer('collab.persistUpdate', async ({ update }) => {
    stored.push(base64ToBytes(update));
    return { stored: stored.length, compacted: false };
  });
  engine.answer('collab.admit', async ({ path }) => ({ admitted: true as const, path }));
  const session = await SharedSession.open({
    client: engine.client,
    roomId: ROOM,
    secret: 'secret-of-the-room-secret-of-the-room',
    role: 'host',
    relay: null,
    sharedFiles: ['a.txt'],
    user: { name: 'Ada', color: '#888888' },
    participantLimit: null,
    seats: null,
  });
  return { session, stored };
}

describe('SharedSession.destroy', () => {
  it('stores the edits still waiting for the update log before it lets go of the document', async () => {
    const { session, stored } = await open();
    session.files.set('a.txt', new Y.Text('hello'));
    expect(stored).toEqual([]); // batched: nothing stored within the 200 ms
    await session.destroy();
    const replica = new Y.Doc();
    for (const update of stored) Y.applyUpdate(replica, update);
    expect(replica.getMap<Y.Text>('files').get('a.txt')?.toString()).toBe('hello');
  });
});
