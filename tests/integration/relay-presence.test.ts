// Presence through the relay: when a peer's connection closes without a goodbye (its process was SIGKILLed), the
// relay tells the room which awareness ids left, so the others drop its cursor at once instead of after 30 s.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { repoRoot } from '../../scripts/paths.js';
import {
  cleanupAfterAll,
  RELAY_TOKEN,
  relayPeer,
  type StartedRelay,
  startRelay,
  type TestRoom,
  testRoom,
  until,
} from './relay-harness.js';

const defer = cleanupAfterAll();

let relay: StartedRelay;
async function sharedRelay(): Promise<StartedRelay> {
  if (!relay) {
    relay = await startRelay({ env: { RELAY_SYNC_MODE: 'normal' } });
    defer(() => relay.stop());
  }
  return relay;
}

function watcher(url: string, room: TestRoom, name: string) {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { name } });
  const { provider } = relayPeer(doc, { url, roomId: room.roomId, secret: room.secret, awareness });
  defer(() => {
    provider.destroy();
    awareness.destroy();
  });
  return { doc, awareness, provider };
}

describe('relay presence', () => {
  it('shows a peer that joins later everyone who was there before it', async () => {
    const { url } = await sharedRelay();
    const room = await testRoom('presence late');
    const early = watcher(url, room, 'early');
    await early.provider.whenSynced();
    const late = watcher(url, room, 'late');
    await late.provider.whenSynced();
    await until(() => late.awareness.getStates().has(early.doc.clientID), 5000, 'the late peer to see the early one');
    await until(() => early.awareness.getStates().has(late.doc.clientID), 5000, 'the early peer to see the late one');
  });

  it('drops a SIGKILLed peer from everyone’s presence within 2 s', async () => {
    const { url } = await sharedRelay();
    const room = await testRoom('presence kill');
    const peers = [watcher(url, room, 'ada'), watcher(url, room, 'grace')];
    await Promise.all(peers.map((p) => p.provider.whenSynced()));

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'tests/integration/relay-peer-process.ts'),
        url,
        room.roomId,
        room.secret,
        RELAY_TOKEN,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    defer(() => child.kill('SIGKILL'));
    const clientId = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
        resolve((JSON.parse(line) as { clientId: number }).clientId),
      );
      child.once('exit', (code) => reject(new Error(`peer process exited with ${code} before syncing`)));
    });
    await until(
      () => peers.every((p) => p.awareness.getStates().has(clientId)),
      5000,
      'both peers to see the doomed peer',
    );

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await until(
      () => peers.every((p) => !p.awareness.getStates().has(clientId)),
      5000,
      'both peers to drop the killed peer',
    );
    expect(Date.now() - killedAt).toBeLessThan(2000);
    // the survivors still see each other
    expect(peers.map((p) => p.awareness.getStates().size)).toEqual([2, 2]);
  });

  it('shows a peer again after it reconnects, although the others were told it left', async () => {
    const { url } = await sharedRelay();
    const room = await testRoom('presence back');
    const [stays, flaky] = [watcher(url, room, 'stays'), watcher(url, room, 'flaky')];
    await Promise.all([stays.provider.whenSynced(), flaky.provider.whenSynced()]);
    const id = flaky.doc.clientID;
    await until(() => stays.awareness.getStates().has(id), 5000, 'the flaky peer to appear');

    flaky.provider.disconnect();
    await until(() => !stays.awareness.getStates().has(id), 5000, 'the flaky peer to disappear');
    flaky.provider.connect();
    await flaky.provider.whenSynced();
    await until(() => stays.awareness.getStates().has(id), 5000, 'the flaky peer to reappear');
    expect(stays.awareness.getStates().get(id)).toEqual({ user: { name: 'flaky' } });
  });
});
