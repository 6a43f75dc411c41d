// Collaboration sessions: hosting (license-gated), joining, the engine-side Yjs update log that keeps an offline
// session's edits across restarts, and the host's default file selection. Edits themselves travel peer-to-peer.
import { z } from 'zod';
import { method, Ok } from '../rpc.js';
import { RelPath } from './files.js';

/** A room id: 128 random bits as 32 lowercase hex characters. */
export const RoomId = z.string().regex(/^[0-9a-f]{32}$/, 'a room id is 32 lowercase hex characters');
export type RoomId = z.infer<typeof RoomId>;

/** The room secret: at least 128 random bits, base64url. It never leaves the participants' machines in clear. */
export const RoomSecret = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22,128}$/, 'a room secret is 22 to 128 base64url characters');

/** A Yjs update, base64-encoded (JSON carries no bytes). */
export const YUpdate = z
  .string()
  .max(12 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'an update is base64');

export const RelayEndpoint = z.object({
  url: z.url({ protocol: /^wss?$/ }).max(2048),
  token: z.string().max(4096).default(''),
});
export type RelayEndpoint = z.infer<typeof RelayEndpoint>;

/**
 * The host's proof of its participant limit for the relay (a SEATS frame): the guests it admits, the room's host
 * public key and its Ed25519 signature of seatsStatement(roomId, guests), both base64. The key stays with the host.
 */
export const SeatsGrant = z.object({
  guests: z.number().int().nonnegative(),
  hostKey: z.base64().length(44),
  signature: z.base64().length(88),
});
export type SeatsGrant = z.infer<typeof SeatsGrant>;

/**
 * The session as every connection sees it (it is broadcast): no room secret, no relay token. A client that needs
 * them asks with collab.credentials.
 */
export const CollabSession = z.object({
  roomId: RoomId,
  role: z.enum(['host', 'guest']),
  relay: z.object({ url: RelayEndpoint.shape.url }).nullable(),
  /**
   * Workspace-relative paths this engine writes for the session: the host's shared files (and those a guest
   * created, where the host allowed it); on a guest, the host's files it admitted so far.
   */
  files: z.array(z.string()),
  /**
   * Host's choice at share time: guests may create new (unprotected) files and delete shared ones. Off unless the
   * host turned it on.
   */
  allowFileChanges: z.boolean(),
  /**
   * Host's choice at share time: the session may save guests' edits of shared files into this folder (on unless
   * the host turned it off; then collab.writeFile and collab.deleteFile refuse and the edits stay in the session).
   */
  saveGuestEdits: z.boolean(),
  /** Guests the host admits (null = unlimited); a guest's own session carries null. */
  participantLimit: z.number().int().nonnegative().nullable(),
  /** Host with a limit: what makes the relay hold the room to it too; null otherwise. */
  seats: SeatsGrant.nullable(),
  startedAt: z.number(),
});
export type CollabSession = z.infer<typeof CollabSession>;

const SessionStart = z.strictObject({
  roomId: RoomId,
  secret: RoomSecret,
  relay: RelayEndpoint.optional(),
});

/** Why the engine refused to write a peer's change: a protected path, or a file the host did not share. */
export const CollabRefusalReason = z.enum(['protected', 'not-shared', 'invalid']);
export type CollabRefusalReason = z.infer<typeof CollabRefusalReason>;

export const CollabAdmission = z.discriminatedUnion('admitted', [
  z.object({ admitted: z.literal(true), path: z.string() }),
  z.object({ admitted: z.literal(false), path: z.string(), reason: CollabRefusalReason, message: z.string() }),
]);
export type CollabAdmission = z.infer<typeof CollabAdmission>;

export const collabMethods = {
  /**
   * Starts hosting a session; needs the `collab.host` entitlement. Answers with the participant limit to enforce
   * and the files really shared (protected paths are left out).
   */
  'collab.host': method(
    SessionStart.extend({
      files: z.array(RelPath.min(1)).max(50_000),
      allowFileChanges: z.boolean().default(false),
      saveGuestEdits: z.boolean().default(true),
    }),
    z.object({ session: CollabSession }),
  ),
  /** Joins a session by its room id and secret (every edition may join). */
  'collab.join': method(SessionStart, z.object({ session: CollabSession })),
  /** Ends this engine's session; `discard` also forgets its stored updates. */
  'collab.leave': method(z.strictObject({ roomId: RoomId, discard: z.boolean().default(false) }), Ok),
  /** The session this engine is in (restored after a restart), or null. */
  'collab.state': method(z.strictObject({}).optional(), z.object({ session: CollabSession.nullable() })),
  /** The room secret and relay token, for the window that runs the session; never part of a broadcast. */
  'collab.credentials': method(
    z.strictObject({ roomId: RoomId }),
    z.object({ secret: RoomSecret.nullable(), relayToken: z.string().max(4096) }),
  ),
  /**
   * Asks whether this engine writes a path from the shared files map, a peer's data: never a protected path; on
   * the host only a shared file, or a new unprotected one when the host allowed file changes (then it is
   * recorded as shared). A refusal is an answer, not an error.
   */
  'collab.admit': method(z.strictObject({ roomId: RoomId, path: z.string().max(4096) }), CollabAdmission),
  /** Writes a shared file's text to this engine's workspace; E_FORBIDDEN unless collab.admit admitted the path. */
  'collab.writeFile': method(
    z.strictObject({ roomId: RoomId, path: RelPath.min(1), content: z.string() }),
    z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() }),
  ),
  /**
   * Deletes a shared file a peer removed from the map: only on the host, only when it allowed file changes, never
   * a protected path; E_FORBIDDEN otherwise (a refusal the host sees). The path stops being shared.
   */
  'collab.deleteFile': method(z.strictObject({ roomId: RoomId, path: RelPath.min(1) }), Ok),
  /** Appends one Yjs update to the room's log; the engine compacts the log as it grows. */
  'collab.persistUpdate': method(
    z.strictObject({ roomId: RoomId, update: YUpdate }),
    z.object({ stored: z.number().int(), compacted: z.boolean() }),
  ),
  /** The room's stored state as updates to apply in order (one after compaction). */
  'collab.loadUpdates': method(z.strictObject({ roomId: RoomId }), z.object({ updates: z.array(YUpdate) })),
  /** The host's default selection: workspace files minus ignored, binary and oversized ones. */
  'collab.shareableFiles': method(
    z
      .strictObject({
        maxBytes: z
          .number()
          .int()
          .positive()
          .max(50 * 1024 * 1024)
          .default(2 * 1024 * 1024),
      })
      .optional(),
    z.object({
      files: z.array(z.string()),
      skipped: z.array(
        z.object({ path: z.string(), reason: z.enum(['binary', 'line-endings', 'too-large', 'protected']) }),
      ),
    }),
  ),
} as const;

export const collabEvents = {
  /** The session started, was restored or ended (null). */
  'collab.changed': z.object({ session: CollabSession.nullable() }),
} as const;
