// The collab capability in the real engine: a session and its Yjs updates survive an engine restart (compacted),
// hosting is refused to the personal edition with E_LICENSE naming the entitlement, and the default file selection.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { seatsStatement } from '@pa/shared/relay/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { licensedDataDir } from '../support/collab-license.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { copyFixture } from '../support/workspace.js';

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';

let workspace: ReturnType<typeof copyFixture>;
let dataDir: string;
let engine: StartedEngine | undefined;

beforeAll(() => {
  workspace = copyFixture('sample-project');
  dataDir = mkdtempSync(join(tmpdir(), 'pa-collab-data-'));
});

afterAll(async () => {
  await engine?.stop();
  workspace?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('collab in the engine', () => {
  it('restores a session and its edits after an engine restart, compacted', async () => {
    engine = await startEngine({ workspace: workspace.root, dataDir });
    let client = await engine.connect();
    const changed = new Promise((resolve) => client.on('collab.changed', resolve));
    await client.call('collab.join', { roomId: ROOM, secret: SECRET, relay: { url: 'ws://127.0.0.1:9/', token: 't' } });
    expect(await changed).toMatchObject({ session: { roomId: ROOM, role: 'guest' } });

    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const text = doc.getMap<Y.Text>('files').set('src/greet.ts', new Y.Text());
    for (let i = 0; i < 260; i++) text.insert(text.length, `edit ${i};`);
    text.delete(0, 100);
    let compacted = false;
    for (const update of updates) {
      const stored = await client.call('collab.persistUpdate', {
        roomId: ROOM,
        update: Buffer.from(update).toString('base64'),
      });
      compacted ||= stored.compacted;
    }
    expect(compacted).toBe(true);
    await engine.stop();

    engine = await startEngine({ workspace: workspace.root, dataDir });
    client = await engine.connect();
    const { session } = await client.call('collab.state');
    expect(session).toMatchObject({
      roomId: ROOM,
      role: 'guest',
      relay: { url: 'ws://127.0.0.1:9/' },
      // a guest holds no host key and signs no limit
      seats: null,
    });
    // the secret and relay token come back from the secrets store, not the database, and only when asked for
    expect(await client.call('collab.credentials', { roomId: ROOM })).toEqual({ secret: SECRET, relayToken: 't' });
    const { updates: stored } = await client.call('collab.loadUpdates', { roomId: ROOM });
    expect(stored.length).toBeLessThan(updates.length);
    const restored = new Y.Doc();
    for (const update of stored) Y.applyUpdate(restored, Buffer.from(update, 'base64'));
    expect(restored.getMap<Y.Text>('files').get('src/greet.ts')?.toString()).toBe(text.toString());

    await client.call('collab.leave', { roomId: ROOM, discard: true });
    expect((await client.call('collab.state')).session).toBeNull();
    const gone = await errorOf(client.call('collab.loadUpdates', { roomId: ROOM }));
    expect(gone.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('broadcasts collab.changed without the room secret or relay token; collab.credentials hands them out', async () => {
    engine ??= await startEngine({ workspace: workspace.root, dataDir });
    const client = await engine.connect();
    const listener = await engine.connect();
    const token = 'relay-token-that-must-not-be-broadcast';
    const heard: unknown[] = [];
    const changed = new Promise<void>((resolve) =>
      listener.on('collab.changed', (event) => {
        heard.push(event);
        resolve();
      }),
    );
    await client.call('collab.join', { roomId: ROOM, secret: SECRET, relay: { url: 'ws://127.0.0.1:9/', token } });
    await changed;
    const wire = JSON.stringify(heard);
    expect(wire).toContain(ROOM);
    expect(wire).not.toContain(SECRET);
    expect(wire).not.toContain(token);
    // nor in the answer every client may read
    const state = JSON.stringify(await listener.call('collab.state'));
    expect(state).not.toContain(SECRET);
    expect(state).not.toContain(token);
    expect(await listener.call('collab.credentials', { roomId: ROOM })).toEqual({ secret: SECRET, relayToken: token });
    await client.call('collab.leave', { roomId: ROOM, discard: true });
  });

  it('refuses to host on the personal edition with E_LICENSE naming the entitlement', async () => {
    // No license installed = personal, which may join but not host (DESIGN.md edition table).
    engine ??= await startEngine({ workspace: workspace.root, dataDir });
    const client = await engine.connect();
    const error = await errorOf(client.call('collab.host', { roomId: ROOM, secret: SECRET, files: ['README.md'] }));
    expect(error.code).toBe(ErrorCode.LICENSE);
    expect(error.message).toContain('collab.host');
    expect((await client.call('collab.state')).session).toBeNull();
  });

  it('hosts on a professional license with its participant limit of 5', async () => {
    const licensed = licensedDataDir('professional');
    const host = await startEngine({ workspace: workspace.root, dataDir: licensed.dataDir, env: licensed.env });
    try {
      const client = await host.connect();
      const { session } = await client.call('collab.host', { roomId: ROOM, secret: SECRET, files: ['README.md'] });
      expect(session).toMatchObject({ role: 'host', participantLimit: 5, files: ['README.md'] });
      // the limit signed for the relay with the room's host key, which only the host's engine holds
      const seats = session.seats;
      expect(seats?.guests).toBe(5);
      const publicKey = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(seats?.hostKey ?? '', 'base64').toString('base64url') },
        format: 'jwk',
      });
      const signature = Buffer.from(seats?.signature ?? '', 'base64');
      expect(verify(null, seatsStatement(ROOM, 5), publicKey, signature)).toBe(true);
      expect(verify(null, seatsStatement(ROOM, 6), publicKey, signature)).toBe(false);
      // the same key after a restart, so the relay still knows this host
      await host.stop();
      const again = await startEngine({ workspace: workspace.root, dataDir: licensed.dataDir, env: licensed.env });
      try {
        const restored = (await (await again.connect()).call('collab.state')).session;
        expect(restored?.seats?.hostKey).toBe(seats?.hostKey);
      } finally {
        await again.stop();
      }
    } finally {
      await host.stop();
      rmSync(licensed.dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a malformed room id and a non-base64 update with E_BAD_REQUEST', async () => {
    engine ??= await startEngine({ workspace: workspace.root, dataDir });
    const client = await engine.connect();
    expect((await errorOf(client.call('collab.join', { roomId: 'nope', secret: SECRET }))).code).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect((await errorOf(client.call('collab.persistUpdate', { roomId: ROOM, update: '%%%' }))).code).toBe(
      ErrorCode.BAD_REQUEST,
    );
  });

  it('offers workspace files minus ignored, binary and oversized ones for sharing', async () => {
    engine ??= await startEngine({ workspace: workspace.root, dataDir });
    const client = await engine.connect();
    writeFileSync(join(workspace.root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    writeFileSync(join(workspace.root, 'big.txt'), 'x'.repeat(3 * 1024 * 1024));
    writeFileSync(join(workspace.root, 'debug.log'), 'ignored: the fixture .gitignore lists *.log');
    const { files, skipped } = await client.call('collab.shareableFiles');
    expect(files).toEqual(expect.arrayContaining(['README.md', 'src/greet.ts', 'src/math.js']));
    expect(files).not.toContain('logo.png');
    expect(files).not.toContain('big.txt');
    expect(files).not.toContain('debug.log');
    expect(skipped).toEqual(
      expect.arrayContaining([
        { path: 'logo.png', reason: 'binary' },
        { path: 'big.txt', reason: 'too-large' },
      ]),
    );
  });
});
