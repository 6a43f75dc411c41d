// The collab capability: which session this engine is in (hosted or joined, restored after a restart), the Yjs
// update log that keeps offline edits, and the host's default file selection. Edits travel peer-to-peer in the UI;
// the engine never writes a file because a remote peer asked — the UI saves shared files through files.write.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { type CollabSession, ErrorCode, PaError, type RelayEndpoint, type SeatsGrant } from '@pa/shared';
import { seatsStatement } from '@pa/shared/relay/protocol';
import type { Capability } from '../capability.js';
import type { EngineContext } from '../engine.js';
import { IgnoreRules } from '../files/index.js';
import type { Entitlements } from '../license/api.js';
import type { Secrets } from '../secrets/api.js';
import { listShareableFiles } from './shareable.js';
import { type CompactionPolicy, openUpdateLog } from './update-log.js';

export { type CompactionPolicy, openUpdateLog, type UpdateLog } from './update-log.js';

const MIGRATIONS = [
  `CREATE TABLE collab_session (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     room_id TEXT NOT NULL,
     role TEXT NOT NULL,
     relay_url TEXT,
     files TEXT NOT NULL,
     participant_limit INTEGER,
     started_at INTEGER NOT NULL
   );`,
];

interface SessionRow {
  room_id: string;
  role: 'host' | 'guest';
  relay_url: string | null;
  files: string;
  participant_limit: number | null;
  started_at: number;
}

export interface CollabDeps {
  entitlements: Entitlements;
  /** Where the room secret and relay token live (the keychain), never the database. */
  secrets: Secrets;
  compaction?: CompactionPolicy;
}

export function createCollab(ctx: EngineContext, deps: CollabDeps): Capability {
  ctx.store.migrate('collab', MIGRATIONS);
  const log = openUpdateLog(ctx.store, deps.compaction);
  const db = ctx.store.db;
  const readRow = db.prepare<[], SessionRow>('SELECT * FROM collab_session WHERE id = 1');
  const writeRow = db.prepare(
    `INSERT OR REPLACE INTO collab_session (id, room_id, role, relay_url, files, participant_limit, started_at)
     VALUES (1, @room_id, @role, @relay_url, @files, @participant_limit, @started_at)`,
  );
  const clearRow = db.prepare('DELETE FROM collab_session WHERE id = 1');
  const secretName = (roomId: string) => `collab.room.${roomId}`;
  const tokenName = (roomId: string) => `collab.relay-token.${roomId}`;
  const hostKeyName = (roomId: string) => `collab.host-key.${roomId}`;

  /** The room's host key (made on first use, kept with the other room secrets) signs the guest limit. */
  async function seatsGrant(roomId: string, guests: number): Promise<SeatsGrant> {
    let pkcs8 = await deps.secrets.get(hostKeyName(roomId));
    if (!pkcs8) {
      const { privateKey } = generateKeyPairSync('ed25519');
      pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      await deps.secrets.set(hostKeyName(roomId), pkcs8);
    }
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    return {
      guests,
      hostKey: Buffer.from(jwk.x ?? '', 'base64url').toString('base64'),
      signature: sign(null, seatsStatement(roomId, guests), privateKey).toString('base64'),
    };
  }

  async function current(): Promise<CollabSession | null> {
    const row = readRow.get();
    if (!row) return null;
    const token = row.relay_url ? ((await deps.secrets.get(tokenName(row.room_id))) ?? '') : '';
    return {
      roomId: row.room_id,
      secret: await deps.secrets.get(secretName(row.room_id)),
      role: row.role,
      relay: row.relay_url ? { url: row.relay_url, token } : null,
      files: JSON.parse(row.files) as string[],
      participantLimit: row.participant_limit,
      seats:
        row.role === 'host' && row.participant_limit !== null
          ? await seatsGrant(row.room_id, row.participant_limit)
          : null,
      startedAt: row.started_at,
    };
  }

  async function start(
    role: 'host' | 'guest',
    params: { roomId: string; secret: string; relay?: RelayEndpoint | undefined; files: string[] },
    participantLimit: number | null,
  ): Promise<CollabSession> {
    const previous = readRow.get();
    if (previous && previous.room_id !== params.roomId) {
      // one session at a time: the previous room's copy and credentials would otherwise stay forever
      await forgetCredentials(previous.room_id);
      log.forget(previous.room_id);
    }
    await deps.secrets.set(secretName(params.roomId), params.secret);
    if (params.relay?.token) await deps.secrets.set(tokenName(params.roomId), params.relay.token);
    writeRow.run({
      room_id: params.roomId,
      role,
      relay_url: params.relay?.url ?? null,
      files: JSON.stringify(params.files),
      participant_limit: participantLimit,
      started_at: ctx.clock(),
    });
    const session = (await current()) as CollabSession;
    ctx.connections.broadcast('collab.changed', { session });
    ctx.log({ level: 'info', msg: 'collab session started', role, roomId: params.roomId });
    return session;
  }

  async function forgetCredentials(roomId: string) {
    await deps.secrets.delete(secretName(roomId));
    await deps.secrets.delete(tokenName(roomId));
    await deps.secrets.delete(hostKeyName(roomId));
  }

  function requireRoom(roomId: string): void {
    if (readRow.get()?.room_id !== roomId) {
      throw new PaError(ErrorCode.NOT_FOUND, `This engine is not in room ${roomId}. Host or join the session first.`);
    }
  }

  return {
    handlers: {
      'collab.host': async ({ roomId, secret, relay, files }, { actor }) => {
        deps.entitlements.require({ kind: 'feature', feature: 'collab.host' }, actor);
        const limit = deps.entitlements.collabParticipantLimit();
        if (limit === 0) {
          throw new PaError(
            ErrorCode.LICENSE,
            'Your edition may join sessions but not host them (entitlement feature:collab.host). Upgrade to Professional or higher to host.',
            { entitlement: 'feature:collab.host' },
          );
        }
        return { session: await start('host', { roomId, secret, relay, files }, limit) };
      },
      'collab.join': async ({ roomId, secret, relay }) => ({
        session: await start('guest', { roomId, secret, relay, files: [] }, null),
      }),
      'collab.leave': async ({ roomId, discard }) => {
        requireRoom(roomId);
        clearRow.run();
        await forgetCredentials(roomId);
        if (discard) log.forget(roomId);
        ctx.connections.broadcast('collab.changed', { session: null });
        return { ok: true } as const;
      },
      'collab.state': async () => ({ session: await current() }),
      'collab.persistUpdate': ({ roomId, update }) => {
        requireRoom(roomId);
        return log.append(roomId, Buffer.from(update, 'base64'));
      },
      'collab.loadUpdates': ({ roomId }) => {
        requireRoom(roomId);
        return { updates: log.load(roomId).map((update) => Buffer.from(update).toString('base64')) };
      },
      'collab.shareableFiles': async (params) => {
        const root = ctx.workspace.requireRoot();
        return listShareableFiles(root, new IgnoreRules(root), params?.maxBytes ?? 2 * 1024 * 1024);
      },
    },
  };
}
