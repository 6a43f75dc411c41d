// The `/sync/<roomId>` endpoint: stores encrypted updates (batched per event-loop turn into one durable
// transaction, ACKed only after it commits), fans them out, replays the log to (re)joining clients in bounded
// pages, compacts the log when a client sends an encrypted snapshot, caps the bytes a room and the relay may hold
// and the rooms the relay and each address may create, and tells the room which awareness client ids left when a
// connection closes (so a crashed peer's cursor goes at once). A connection is served only once it has proven the
// room's write key (CHALLENGE/PROOF), which only the secret's holders have, and whatever changes what the room
// stores (an update, a snapshot, the host key of its seats) must be signed by that key as well.
import { randomBytes } from 'node:crypto';
import {
  CHALLENGE_BYTES,
  CloseCode,
  MAX_HELLO_CLIENTS,
  MessageType,
  RelayErrorCode,
  readMessage,
  writeAck,
  writeAwareness,
  writeBroadcast,
  writeChallenge,
  writeError,
  writePeerLeft,
  writeSnapshotStored,
  writeSyncDone,
} from '@pa/shared/relay/protocol';
import type { Connection } from './connection.js';
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import { provenWriter, type RoomWriter } from './room-key.js';
import { sameKey, verifySeats } from './seats.js';
import type { Storage } from './storage.js';

/** Frames a client may send; before its PROOF any of them is refused as `room_key`. */
const TO_RELAY: ReadonlySet<number> = new Set([
  MessageType.update,
  MessageType.syncRequest,
  MessageType.snapshot,
  MessageType.awareness,
  MessageType.hello,
  MessageType.seats,
]);

/** Rows read per replay step; a step stops early when the socket's queue is half full and resumes later. */
const REPLAY_PAGE = 256;
const REPLAY_RESUME_MS = 20;

interface Member {
  readonly connection: Connection;
  readonly roomId: string;
  /** This connection's challenge: what its PROOF signs. */
  readonly nonce: Uint8Array;
  /**
   * The room's write key once the connection proved it holds it (PROOF): checks what it asks to store. Until then
   * nothing but a PROOF is taken from it.
   */
  writer: RoomWriter | null;
  /** new: no SYNC_REQUEST yet; replaying: catching up from `cursor`; live: receives broadcasts as they commit. */
  state: 'new' | 'replaying' | 'live';
  cursor: number;
  replayTimer: NodeJS.Timeout | null;
  /** Awareness client ids this connection announced in HELLO; announced to the room as gone when it closes. */
  clientIds: number[];
  /** It sent the room's SEATS signed with the room's host key: the host, admitted however full the room is. */
  host: boolean;
}

export interface SyncLimits {
  /** A socket with more unsent bytes is a slow consumer; a replay pauses at half of it. */
  maxQueuedBytes: number;
  /** Stored bytes per room (rows + snapshot) beyond which updates are refused until a SNAPSHOT compacts the log. */
  maxRoomBytes: number;
  /** Stored bytes of the whole relay beyond which updates are refused. */
  maxTotalBytes: number;
  /** Rooms the relay stores at most; a new room beyond it is refused until others expire. */
  maxRooms: number;
}

/** Who may create a room now (rooms per address per hour). */
export interface RoomCreationLimit {
  allow(ip: string): boolean;
}

interface PendingWrite {
  member: Member;
  clientSeq: number;
  data: Uint8Array;
}

export class SyncRooms {
  private readonly rooms = new Map<string, Set<Member>>();
  private readonly members = new Map<Connection, Member>();
  private queue: PendingWrite[] = [];
  /** Bytes per room in `queue`, so the cap also counts updates accepted this turn but not yet written. */
  private readonly queuedRoomBytes = new Map<string, number>();
  private queuedBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly storage: Storage,
    private readonly metrics: Metrics,
    private readonly log: Log,
    private readonly limits: SyncLimits,
    private readonly roomCreation: RoomCreationLimit,
    private readonly clock: () => number,
  ) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  activeRoomIds(): ReadonlySet<string> {
    return new Set(this.rooms.keys());
  }

  open(connection: Connection, roomId: string): void {
    const member: Member = {
      connection,
      roomId,
      nonce: new Uint8Array(randomBytes(CHALLENGE_BYTES)),
      writer: null,
      state: 'new',
      cursor: 0,
      replayTimer: null,
      clientIds: [],
      host: false,
    };
    this.members.set(connection, member);
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Set();
      this.rooms.set(roomId, room);
    }
    room.add(member);
    connection.send(writeChallenge(member.nonce));
  }

  close(connection: Connection): void {
    const member = this.members.get(connection);
    if (!member) return;
    if (member.replayTimer) clearTimeout(member.replayTimer);
    this.members.delete(connection);
    const room = this.rooms.get(member.roomId);
    room?.delete(member);
    if (!room || room.size === 0) {
      this.rooms.delete(member.roomId);
      return;
    }
    // an id another connection still speaks for (the same tab, reconnected) has not left
    const stillHere = new Set([...room].flatMap((other) => other.clientIds));
    const gone = member.clientIds.filter((id) => !stillHere.has(id));
    if (gone.length === 0) return;
    const out = writePeerLeft(gone);
    for (const other of room) if (other.state !== 'new') other.connection.send(out);
  }

  receive(connection: Connection, bytes: Uint8Array): void {
    const member = this.members.get(connection);
    if (!member) return;
    const read = readMessage(bytes);
    if (!read.ok) {
      connection.refuse(read.code, () => connection.send(writeError(read.code, read.reason)));
      return;
    }
    const message = read.message;
    const writer = member.writer;
    if (writer === null) {
      if (message.type === MessageType.proof) this.prove(member, message.writeKey, message.signature);
      else if (TO_RELAY.has(message.type)) {
        connection.refuse(RelayErrorCode.roomKey, () =>
          connection.send(
            writeError(RelayErrorCode.roomKey, 'Send PROOF (the room write key’s signature of the challenge) first.'),
          ),
        );
      } else this.wrongDirection(connection, message.type);
      return;
    }
    switch (message.type) {
      case MessageType.syncRequest:
        if (member.state === 'new' && this.isFull(member)) {
          this.turnAway(member);
          return;
        }
        if (member.state === 'new' && !this.storage.hasRoom(member.roomId) && !this.mayCreateRoom(member)) return;
        if (member.replayTimer) clearTimeout(member.replayTimer);
        member.state = 'replaying';
        member.cursor = message.sinceServerSeq;
        this.replay(member);
        return;
      case MessageType.update:
        if (member.state === 'new') {
          this.notSynced(member);
          return;
        }
        if (!writer.verifyUpdate(message.ciphertext, message.signature)) {
          this.badSignature(member, 'UPDATE');
          return;
        }
        this.accept(member, message.clientSeq, message.ciphertext);
        return;
      case MessageType.snapshot:
        if (member.state !== 'live') {
          this.notSynced(member);
          return;
        }
        this.compact(member, writer, message);
        return;
      case MessageType.awareness: {
        if (member.state === 'new') {
          this.notSynced(member);
          return;
        }
        const out = writeAwareness(message.ciphertext);
        for (const other of this.rooms.get(member.roomId) ?? []) {
          if (other !== member && other.state !== 'new') other.connection.send(out);
        }
        return;
      }
      case MessageType.hello:
        if (member.state === 'new') {
          this.notSynced(member);
          return;
        }
        // awareness client ids are uint32 (Yjs clientIDs); anything else is not a real client
        if (message.clientIds.length > MAX_HELLO_CLIENTS || !message.clientIds.every((id) => id < 2 ** 32)) {
          connection.refuse(RelayErrorCode.malformed, () =>
            connection.send(writeError(RelayErrorCode.malformed, 'HELLO carries up to 16 uint32 client ids.')),
          );
          return;
        }
        member.clientIds = message.clientIds;
        return;
      case MessageType.seats:
        this.takeSeats(member, writer, message);
        return;
      case MessageType.proof:
        connection.refuse(RelayErrorCode.malformed, () =>
          connection.send(writeError(RelayErrorCode.malformed, 'This connection has already proven its key.')),
        );
        return;
      default:
        this.wrongDirection(connection, message.type);
    }
  }

  /** ACK, BROADCAST, SYNC_DONE, CHALLENGE, ... are relay → client only. */
  private wrongDirection(connection: Connection, type: number): void {
    connection.refuse(RelayErrorCode.unknownType, () =>
      connection.send(writeError(RelayErrorCode.unknownType, `type ${type} is not accepted from clients`)),
    );
  }

  /**
   * The connection's PROOF: the room's write key (the room id is its hash) and its signature of this connection's
   * challenge. A relay client without the room secret cannot make one, so it cannot read the room's log, take a
   * guest seat, or send anything the relay would store; it is told so and closed.
   */
  private prove(member: Member, writeKey: Uint8Array, signature: Uint8Array): void {
    const writer = provenWriter(member.roomId, member.nonce, writeKey, signature);
    if (writer !== null) {
      member.writer = writer;
      return;
    }
    this.metrics.reject(RelayErrorCode.roomKey);
    member.connection.send(
      writeError(
        RelayErrorCode.roomKey,
        'This is not the write key of this room; only a holder of its secret may join.',
      ),
    );
    member.connection.close(CloseCode.badProof, 'not the room key');
  }

  /**
   * The host's SEATS: remembered for the room (first host key wins, and only when named by a holder of the room's
   * write key, so a relay client without the secret cannot lock a room), and this connection admitted as the host.
   */
  private takeSeats(
    member: Member,
    writer: RoomWriter,
    {
      guests,
      hostKey,
      signature,
      claim,
    }: { guests: number; hostKey: Uint8Array; signature: Uint8Array; claim: Uint8Array },
  ): void {
    const { connection, roomId } = member;
    const refuse = (why: string) =>
      connection.refuse(RelayErrorCode.seatsRefused, () =>
        connection.send(writeError(RelayErrorCode.seatsRefused, why)),
      );
    if (member.state !== 'new') return void refuse('SEATS comes before SYNC_REQUEST.');
    if (!writer.verifyClaim(hostKey, claim)) {
      return void refuse(
        'SEATS is not signed by the room’s write key: only a holder of the room secret names its host.',
      );
    }
    if (!verifySeats(roomId, { hostKey, guests }, signature)) return void refuse('SEATS signature does not verify.');
    // setting seats creates the room: the same limits as a first SYNC_REQUEST
    if (!this.storage.hasRoom(roomId) && !this.mayCreateRoom(member)) return;
    const known = this.storage.seats(roomId);
    if (known && !sameKey(known.hostKey, hostKey)) return void refuse('This room has another host key.');
    if (!known || known.guests !== guests) this.storage.setSeats(roomId, { hostKey, guests });
    member.host = true;
  }

  /** Whether the room's guests (connections past SYNC_REQUEST, the host's not counted) fill its seats. */
  private isFull(member: Member): boolean {
    if (member.host) return false;
    const seats = this.storage.seats(member.roomId);
    if (!seats) return false;
    let guests = 0;
    for (const other of this.rooms.get(member.roomId) ?? []) {
      if (other !== member && other.state !== 'new' && !other.host) guests += 1;
    }
    return guests >= seats.guests;
  }

  /** Not a bad frame: the client did nothing wrong, the room is full. It may come back when someone leaves. */
  private turnAway(member: Member): void {
    const seats = this.storage.seats(member.roomId);
    this.metrics.reject(RelayErrorCode.sessionFull);
    member.connection.send(
      writeError(
        RelayErrorCode.sessionFull,
        `This session admits ${seats?.guests ?? 0} guest${seats?.guests === 1 ? '' : 's'} and all are here; ` +
          'you are let in when someone leaves.',
      ),
    );
    member.connection.close(CloseCode.sessionFull, 'session full');
  }

  /**
   * The first SYNC_REQUEST of a room the relay does not have creates it: within the relay's room cap and the
   * address's rooms per hour, else the connection is told why and closed (4507; the client retries much later).
   */
  private mayCreateRoom(member: Member): boolean {
    const { connection } = member;
    let code: RelayErrorCode | null = null;
    let why = '';
    if (this.storage.usage().rooms >= this.limits.maxRooms) {
      code = RelayErrorCode.roomLimit;
      why = `This relay holds its limit of ${this.limits.maxRooms} rooms; try again when idle rooms have expired.`;
    } else if (!this.roomCreation.allow(connection.ip)) {
      code = RelayErrorCode.roomRate;
      why = 'Too many new rooms from this address this hour; try again later.';
    }
    if (code === null) return true;
    this.metrics.reject(code);
    this.log.info('room_refused', { reason: code, ip: connection.ip });
    connection.send(writeError(code, why));
    connection.close(CloseCode.roomRefused, code);
    return false;
  }

  /** Not a bad encoding, but a frame from someone without the room secret: counted like a bad frame. */
  private badSignature(member: Member, what: string): void {
    member.connection.refuse(RelayErrorCode.badSignature, () =>
      member.connection.send(
        writeError(RelayErrorCode.badSignature, `${what} is not signed by the room’s write key; it was not stored.`),
      ),
    );
  }

  /** Queues an update for the next write, unless the room or the relay (with what is queued) would pass its cap. */
  private accept(member: Member, clientSeq: number, data: Uint8Array): void {
    const total = this.storage.usage().bytes;
    if (total + this.queuedBytes + data.byteLength > this.limits.maxTotalBytes) {
      // like a full room: not stored, not ACKed, the client holds it and resends later
      this.metrics.reject(RelayErrorCode.relayFull);
      member.connection.send(
        writeError(
          RelayErrorCode.relayFull,
          `This relay stores ${total} bytes, its limit is ${this.limits.maxTotalBytes}: updates wait until space frees.`,
        ),
      );
      return;
    }
    const queued = this.queuedRoomBytes.get(member.roomId) ?? 0;
    const stored = this.storage.head(member.roomId).bytes;
    if (stored + queued + data.byteLength > this.limits.maxRoomBytes) {
      // not a bad frame (an honest client cannot know the room is full): no bad-frame budget spent, not stored,
      // not ACKed, so the client keeps it and resends once a snapshot has made room
      this.metrics.reject(RelayErrorCode.roomFull);
      member.connection.send(
        writeError(
          RelayErrorCode.roomFull,
          `This room stores ${stored} bytes, the relay's limit is ${this.limits.maxRoomBytes}: ` +
            'send a SNAPSHOT to compact it, then resend.',
        ),
      );
      return;
    }
    this.queuedRoomBytes.set(member.roomId, queued + data.byteLength);
    this.queuedBytes += data.byteLength;
    this.queue.push({ member, clientSeq, data });
    this.scheduleFlush();
  }

  /** Writes whatever is queued now (also used by shutdown, so nothing received is dropped). */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedRoomBytes.clear();
    this.queuedBytes = 0;
    let seqs: number[];
    try {
      seqs = this.storage.append(
        batch.map((write) => ({ roomId: write.member.roomId, data: write.data })),
        this.clock(),
      );
    } catch (error) {
      // not stored, so not ACKed: the clients keep the updates pending and resend them after reconnecting
      this.log.error('storage_write_failed', { error: (error as Error).message, updates: batch.length });
      for (const write of batch) write.member.connection.send(writeError('storage', 'Update not stored; resend it.'));
      return;
    }
    this.metrics.updatesStored += batch.length;
    batch.forEach((write, index) => {
      const serverSeq = seqs[index] as number;
      write.member.connection.send(writeAck(write.clientSeq, serverSeq));
      const out = writeBroadcast(serverSeq, write.data);
      for (const other of this.rooms.get(write.member.roomId) ?? []) {
        // replaying members read this row from storage when their cursor gets there
        if (other !== write.member && other.state === 'live') other.connection.send(out);
      }
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private replay(member: Member): void {
    member.replayTimer = null;
    const { connection, roomId } = member;
    if (connection.closed || !this.members.has(connection)) return;
    for (;;) {
      const head = this.storage.head(roomId);
      if (member.cursor < head.snapshotSeq) {
        // rows up to the snapshot are gone (or about to be): the snapshot stands in for all of them
        const snapshot = this.storage.snapshot(roomId);
        if (snapshot) connection.send(writeBroadcast(snapshot.seq, snapshot.data));
        member.cursor = head.snapshotSeq;
      }
      const rows = this.storage.rowsAfter(roomId, member.cursor, REPLAY_PAGE);
      for (const row of rows) {
        connection.send(writeBroadcast(row.seq, row.data));
        member.cursor = row.seq;
      }
      if (rows.length < REPLAY_PAGE) {
        // caught up with every committed row; later commits reach it as live broadcasts
        member.state = 'live';
        connection.send(writeSyncDone(head.latestSeq, head.snapshotSeq, head.epoch));
        return;
      }
      if (connection.queuedBytes > this.limits.maxQueuedBytes / 2) {
        member.replayTimer = setTimeout(() => this.replay(member), REPLAY_RESUME_MS);
        return;
      }
    }
  }

  /**
   * A snapshot replaces every stored row up to the sequence it covers, so it is taken only when signed by the
   * room's write key for this epoch and exactly this sequence: a wipe (an empty snapshot) needs the secret, an old
   * snapshot cannot be relabelled as covering rows written after it, and one from an earlier incarnation of the room
   * does not verify. It must also cover more than the last compaction: a captured snapshot was stored (or refused)
   * when its sender sent it, so a replay is always at or below the compaction and is refused as `snapshot_stale`.
   * Rows after it stay, so an honest client racing other writers is never refused for being a row behind.
   * Snapshots are accepted even in a full room: each replaces the last (and is no larger than a frame), so they
   * cannot pile up, and they are the only way a full room gets room again; on a full relay, only one that does not
   * grow the room.
   */
  private compact(
    member: Member,
    writer: RoomWriter,
    {
      upToServerSeq: upTo,
      ciphertext: data,
      signature,
    }: { upToServerSeq: number; ciphertext: Uint8Array; signature: Uint8Array },
  ): void {
    const { connection, roomId } = member;
    const head = this.storage.head(roomId);
    if (!writer.verifySnapshot(head.epoch, upTo, data, signature)) {
      this.badSignature(member, 'SNAPSHOT');
      return;
    }
    if (upTo <= head.snapshotSeq) {
      // not a bad frame: an honest client may lose the race to another's snapshot (it is told by SNAPSHOT_STORED)
      this.metrics.reject(RelayErrorCode.snapshotStale);
      connection.send(
        writeError(
          RelayErrorCode.snapshotStale,
          `The log is already compacted to ${head.snapshotSeq}; a snapshot up to ${upTo} would replace nothing.`,
        ),
      );
      return;
    }
    if (upTo > head.latestSeq) {
      connection.refuse(RelayErrorCode.malformed, () =>
        connection.send(writeError(RelayErrorCode.malformed, `snapshot up to ${upTo} is past the log`)),
      );
      return;
    }
    const total = this.storage.usage().bytes;
    if (
      data.byteLength > head.bytes &&
      total + this.queuedBytes + data.byteLength - head.bytes > this.limits.maxTotalBytes
    ) {
      this.metrics.reject(RelayErrorCode.relayFull);
      connection.send(
        writeError(RelayErrorCode.relayFull, 'This relay is at its storage limit; the snapshot would grow it.'),
      );
      return;
    }
    this.storage.compact(roomId, upTo, data, this.clock());
    this.metrics.snapshotsStored += 1;
    this.log.debug('room_compacted', { room: member.roomId, upTo });
    const out = writeSnapshotStored(upTo);
    for (const other of this.rooms.get(member.roomId) ?? []) {
      if (other.state === 'live') other.connection.send(out);
    }
  }

  private notSynced(member: Member): void {
    member.connection.refuse(RelayErrorCode.notSynced, () =>
      member.connection.send(writeError(RelayErrorCode.notSynced, 'Send SYNC_REQUEST before anything else.')),
    );
  }
}
