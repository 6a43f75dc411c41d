// The collab capability: which session this engine is in (hosted or joined, restored after a restart), the Yjs
// update log that keeps offline edits, and the host's default file selection. Edits travel peer-to-peer in the UI;
// a peer's change reaches this disk only through collab.admit and collab.writeFile, which hold it to the paths the
// host shared when it started (admission.ts). Broadcasts carry no secret: collab.credentials hands them out.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CollabSession, ErrorCode, PaError, type RelayEndpoint, type SeatsGrant } from '@pa/shared';
import { protectedPath } from '@pa/shared/protected-paths';
import { seatsStatement } from '@pa/shared/relay/protocol';
import type { Capability, EngineContext } from '../context.js';
import { IgnoreRules, toRelative } from '../files/index.js';
import type { Entitlements } from '../license/api.js';
import type { Secrets } from '../secrets/api.js';
import { admit } from './admission.js';
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
  'ALTER TABLE collab_session ADD COLUMN allow_file_changes INTEGER NOT NULL DEFAULT 0;',
  'ALTER TABLE collab_session ADD COLUMN save_guest_edits INTEGER NOT NULL DEFAULT 1;',
];

interface SessionRow {
  room_id: string;
  role: 'host' | 'guest';
  relay_url: string | null;
  files: string;
  participant_limit: number | null;
  started_at: number;
  allow_file_changes: 0 | 1;
  save_guest_edits: 0 | 1;
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
    `INSERT OR REPLACE INTO collab_session
       (id, room_id, role, relay_url, files, participant_limit, started_at, allow_file_changes, save_guest_edits)
     VALUES (1, @room_id, @role, @relay_url, @files, @participant_limit, @started_at, @allow_file_changes,
             @save_guest_edits)`,
  );
  const writeFiles = db.prepare<[string]>('UPDATE collab_session SET files = ? WHERE id = 1');
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
    return {
      roomId: row.room_id,
      role: row.role,
      relay: row.relay_url ? { url: row.relay_url } : null,
      files: filesOf(row),
      allowFileChanges: row.allow_file_changes === 1,
      saveGuestEdits: row.save_guest_edits === 1,
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
    params: {
      roomId: string;
      secret: string;
      relay?: RelayEndpoint | undefined;
      files: string[];
      allowFileChanges: boolean;
      saveGuestEdits: boolean;
    },
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
      // a protected path is not shared even when selected: no peer may change it (protected-paths.ts)
      files: JSON.stringify(params.files.filter((path) => protectedPath(path)?.kind !== 'never')),
      participant_limit: participantLimit,
      started_at: ctx.clock(),
      allow_file_changes: params.allowFileChanges ? 1 : 0,
      save_guest_edits: params.saveGuestEdits ? 1 : 0,
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

  function requireRoom(roomId: string): SessionRow {
    const row = readRow.get();
    if (row?.room_id !== roomId) {
      throw new PaError(ErrorCode.NOT_FOUND, `This engine is not in room ${roomId}. Host or join the session first.`);
    }
    return row;
  }

  function filesOf(row: SessionRow): string[] {
    return JSON.parse(row.files) as string[];
  }

  function isOnDisk(path: string): boolean {
    try {
      return existsSync(ctx.files.resolve(path));
    } catch {
      return false; // a path the files capability refuses is on no disk of ours; admit() refuses it as invalid
    }
  }

  /**
   * Where a write to `path` really lands, when that is a protected place: the file or its nearest existing folder
   * after symlinks (a link inside the workspace to .git), which the path's own spelling does not show.
   */
  function protectedTarget(path: string): string | null {
    let probe = ctx.files.resolve(path);
    for (;;) {
      try {
        probe = realpathSync(probe);
        break;
      } catch {
        const parent = dirname(probe); // not there yet: the write creates it under its nearest existing folder
        if (parent === probe) break;
        probe = parent;
      }
    }
    const real = toRelative(realpathSync(ctx.workspace.requireRoot()), probe);
    const isProtected = protectedPath(real)?.kind === 'never' || protectedPath(`${real}/x`)?.kind === 'never';
    return real !== '' && isProtected ? real : null;
  }

  /** The host chose that guests' edits stay in the session: the session writes nothing into its folder. */
  function refuseUnsavedGuestEdits(row: SessionRow, path: string, what: 'change' | 'deletion'): void {
    if (row.role === 'host' && row.save_guest_edits !== 1) {
      throw new PaError(
        ErrorCode.FORBIDDEN,
        `Refused a guest's ${what === 'change' ? 'change to' : 'deletion of'} ${path}: this session does not save guests' edits into the host's folder.`,
        { reason: 'not-shared' },
      );
    }
  }

  function requireUnprotectedTarget(path: string): void {
    const real = protectedTarget(path);
    if (real !== null) {
      throw new PaError(ErrorCode.FORBIDDEN, `Refused a guest's change to ${path}: it leads into ${real}.`, {
        reason: 'protected',
      });
    }
  }

  return {
    handlers: {
      'collab.host': async ({ roomId, secret, relay, files, allowFileChanges, saveGuestEdits }, { actor }) => {
        deps.entitlements.require({ kind: 'feature', feature: 'collab.host' }, actor);
        const limit = deps.entitlements.collabParticipantLimit();
        if (limit === 0) {
          throw new PaError(
            ErrorCode.LICENSE,
            'Your edition may join sessions but not host them (entitlement feature:collab.host). Upgrade to Professional or higher to host.',
            { entitlement: 'feature:collab.host' },
          );
        }
        const params = { roomId, secret, relay, files, allowFileChanges, saveGuestEdits };
        return { session: await start('host', params, limit) };
      },
      'collab.join': async ({ roomId, secret, relay }) => ({
        session: await start(
          'guest',
          { roomId, secret, relay, files: [], allowFileChanges: false, saveGuestEdits: true },
          null,
        ),
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
      'collab.credentials': async ({ roomId }) => {
        const row = requireRoom(roomId);
        return {
          secret: await deps.secrets.get(secretName(roomId)),
          relayToken: row.relay_url ? ((await deps.secrets.get(tokenName(roomId))) ?? '') : '',
        };
      },
      'collab.admit': ({ roomId, path }) => {
        const row = requireRoom(roomId);
        const files = filesOf(row);
        const policy = { role: row.role, files: new Set(files), allowFileChanges: row.allow_file_changes === 1 };
        let admission = admit(path, policy, isOnDisk(path));
        const real = admission.admitted ? protectedTarget(path) : null;
        if (real !== null) {
          const message = `Refused a ${row.role === 'host' ? "guest's" : "peer's"} change to ${path}: it leads into ${real}.`;
          admission = { admitted: false, path, reason: 'protected', message };
        }
        if (admission.admitted && !files.includes(path)) writeFiles.run(JSON.stringify([...files, path]));
        if (!admission.admitted) ctx.log({ level: 'warn', msg: 'collab refused a change', roomId, ...admission });
        return admission;
      },
      'collab.writeFile': async ({ roomId, path, content }) => {
        const row = requireRoom(roomId);
        refuseUnsavedGuestEdits(row, path, 'change');
        if (!filesOf(row).includes(path)) {
          throw new PaError(ErrorCode.FORBIDDEN, `Refused a guest's change to ${path}: not a shared file.`, {
            reason: 'not-shared',
          });
        }
        const rule = protectedPath(path);
        if (rule?.kind === 'never') {
          throw new PaError(ErrorCode.FORBIDDEN, `Refused a guest's change to ${path}: ${rule.reason}.`, {
            reason: 'protected',
          });
        }
        requireUnprotectedTarget(path);
        return { path, ...(await ctx.files.write(path, content)) };
      },
      'collab.deleteFile': async ({ roomId, path }) => {
        const row = requireRoom(roomId);
        const files = filesOf(row);
        const refuse = (why: string, reason: 'protected' | 'not-shared') => {
          const who = row.role === 'host' ? "a guest's" : "a peer's";
          return new PaError(ErrorCode.FORBIDDEN, `Refused ${who} deletion of ${path}: ${why}.`, { reason });
        };
        if (row.role !== 'host') throw refuse('a guest deletes no file because a peer removed it', 'not-shared');
        refuseUnsavedGuestEdits(row, path, 'deletion');
        if (row.allow_file_changes !== 1) throw refuse('guests may not delete files in this session', 'not-shared');
        if (!files.includes(path)) throw refuse('not a shared file', 'not-shared');
        const rule = protectedPath(path);
        if (rule?.kind === 'never') throw refuse(rule.reason, 'protected');
        requireUnprotectedTarget(path);
        const target = ctx.files.resolve(path);
        const info = await lstat(target).catch(() => null);
        if (info?.isDirectory()) throw refuse('it is a folder', 'not-shared');
        if (info) await rm(target);
        writeFiles.run(JSON.stringify(files.filter((file) => file !== path)));
        return { ok: true } as const;
      },
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
