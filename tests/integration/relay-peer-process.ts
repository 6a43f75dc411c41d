// A collaborator in its own process, for tests that kill it with SIGKILL: joins a room through the relay with
// awareness, then prints {"clientId":…} once synced and waits to be killed.
// Usage: node --import tsx tests/integration/relay-peer-process.ts <relayUrl> <roomId> <secret> <token>
import { RelaySyncProvider } from '@pa/shared/relay/client';
import WebSocket from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

const [url, roomId, secret, token] = process.argv.slice(2);
if (!url || !roomId || !secret || !token) {
  process.stderr.write('usage: relay-peer-process.ts <relayUrl> <roomId> <secret> <token>\n');
  process.exit(2);
}
const doc = new Y.Doc();
const awareness = new Awareness(doc);
awareness.setLocalState({ user: { name: 'doomed peer' }, cursor: 7 });
const provider = new RelaySyncProvider(doc, { url, roomId, secret, token, WebSocket, awareness });
await provider.whenSynced();
process.stdout.write(`${JSON.stringify({ clientId: doc.clientID })}\n`);
