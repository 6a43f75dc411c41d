// The `/sync/<roomId>` endpoint: stores encrypted updates (batched per event-loop turn into one durable
// transaction, ACKed only after it commits), fans them out, replays the log to (re)joining clients in bounded
// pages, compacts the log when a client sends an encrypted snapshot, caps the bytes a room and the relay may hold
// and the rooms the relay and each address may create, and tells the room which awareness client ids left when a
// connection closes (so a crashed peer's cursor goes at once). A connection is served only once it has proven the
// room's write key (CHALLENGE/PROOF), which only the secret's holders have, and whatever changes what the room
// stores (an update, a snapshot, the host key of its seats) must be signed by that key as well.
//
// Storage is asynchronous (SQLite or PostgreSQL behind the Storage seam), so: each connection's frames are handled
// one after another (a per-member chain), so an await never reorders them; one batch is written at a time, so the
// seqs of a room are committed and broadcast in increasing order; a member goes live only once its replay has read
// past every seq this relay broadcast to the room (no gap between replay and live broadcasts); and every await is
// followed by a check that the connection is still open. A storage failure is never acknowledged: the client is
// told, and the connection closed (1013, try again later) so it reconnects with backoff and resends what it holds.
//
// Several relays (RELAY_REDIS_URL, fanout.ts): each commit is also published, and what other relays commit arrives
// through the fan-out. A room's rows reach its members through one RoomSequencer, which orders this relay's commits
// and the others' and reads gaps from storage; each member gets exactly the next seq after its cursor or, if it
// fell behind (a jump), catches up from storage itself. Seats are counted across relays by the fan-out.
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
import { type Fanout, LocalFanout, RoomSequencer, type SequencedRow } from './fanout.js';
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import { provenWriter, type RoomWriter } from './room-key.js';
import { sameKey, verifySeats } from './seats.js';
import type { RoomHead, Storage } from './storage.js';

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
/** WebSocket "Try Again Later" (RFC 6455 registry): storage failed, reconnect with backoff and resend. */
const CLOSE_STORAGE_UNAVAILABLE = 1013;
/** WebSocket "Service Restart": a synced client's rows were compacted away before it got them; it rejoins. */
const CLOSE_RESYNC = 1012;
/** How long a room waits for a missing seq (another relay's message) before reading it from storage. */
const GAP_MS = 50;
/** Rows a room holds while waiting for a missing one; beyond, storage is read at once. */
const MAX_EARLY = 1024;
/** A room without SEATS still counts its guests (seats may be set later), under a limit nothing reaches. */
const UNLIMITED_SEATS = 2 ** 31;
const seatKey = (roomId: string) => `sync:${roomId}`;

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
  /** Bumped by each SYNC_REQUEST (and close): a replay step awaiting storage stops when it is no longer current. */
  replayRun: number;
  /** This connection's frames, handled in order: each waits for the previous one's storage calls. */
  chain: Promise<void>;
  /** Awareness client ids this connection announced in HELLO; announced to the room as gone when it closes. */
  clientIds: number[];
  /** It sent the room's SEATS signed with the room's host key: the host, admitted however full the room is. */
  host: boolean;
  /** It holds a guest seat of the room (counted across relays by the fan-out), given back when it closes. */
  seated: boolean;
  /** Live, but behind the room (a jump): its replay reads storage from `cursor`; broadcasts skip it meanwhile. */
  catchingUp: boolean;
  /** ACKs of its own commits held while it catches up, by seq: sent in their place in the sequence. */
  acks: Map<number, number>;
}

/** One of this relay's commits: its writer gets the ACK. */
interface Origin {
  member: Member;
  clientSeq: number;
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
  /** Bytes per room (and in all) of the batch being written: still counted by the caps until it commits. */
  private writingRoomBytes = new Map<string, number>();
  private writingBytes = 0;
  private flushScheduled = false;
  /** The write loop in progress, if any: one batch at a time, so a room's seqs commit and broadcast in order. */
  private writing: Promise<void> | null = null;
  /** The highest seq this relay broadcast per room with members: a replay goes live only once past it. */
  private readonly broadcastSeq = new Map<string, number>();
  /** Per room with members here: orders the rows from this relay, the others and storage. */
  private readonly sequencers = new Map<string, RoomSequencer<Origin>>();

  constructor(
    private readonly storage: Storage,
    private readonly metrics: Metrics,
    private readonly log: Log,
    private readonly limits: SyncLimits,
    private readonly roomCreation: RoomCreationLimit,
    private readonly clock: () => number,
    private readonly fanout: Fanout = new LocalFanout(),
  ) {
    const toRoom = (roomId: string, out: Uint8Array, live: boolean) => {
      for (const member of this.rooms.get(roomId) ?? []) {
        if (live ? member.state === 'live' : member.state !== 'new') member.connection.send(out);
      }
    };
    fanout.handle({
      update: (roomId, seq, data) => this.sequencers.get(roomId)?.offer({ seq, data }),
      head: (roomId, seq) => this.sequencers.get(roomId)?.head(seq),
      awareness: (roomId, data) => toRoom(roomId, writeAwareness(data), false),
      peerLeft: (roomId, clientIds) => toRoom(roomId, writePeerLeft(clientIds), false),
      snapshotStored: (roomId, upTo) => toRoom(roomId, writeSnapshotStored(upTo), true),
      lost: () => {
        for (const sequencer of this.sequencers.values()) sequencer.resync();
      },
    });
  }

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
      replayRun: 0,
      chain: Promise.resolve(),
      clientIds: [],
      host: false,
      seated: false,
      catchingUp: false,
      acks: new Map(),
    };
    this.members.set(connection, member);
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Set();
      this.rooms.set(roomId, room);
      this.startRoom(roomId);
    }
    room.add(member);
    connection.send(writeChallenge(member.nonce));
  }

  close(connection: Connection): void {
    const member = this.members.get(connection);
    if (!member) return;
    if (member.replayTimer) clearTimeout(member.replayTimer);
    member.replayRun += 1;
    this.members.delete(connection);
    if (member.seated) {
      member.seated = false;
      this.fanout.release(seatKey(member.roomId));
    }
    const room = this.rooms.get(member.roomId);
    room?.delete(member);
    // an id another connection still speaks for (the same tab, reconnected) has not left; the other relays are told
    // even when this one has nobody left in the room
    const stillHere = new Set([...(room ?? [])].flatMap((other) => other.clientIds));
    const gone = member.clientIds.filter((id) => !stillHere.has(id));
    if (gone.length > 0) {
      const out = writePeerLeft(gone);
      for (const other of room ?? []) if (other.state !== 'new') other.connection.send(out);
      this.fanout.publishPeerLeft(member.roomId, gone);
    }
    if (!room || room.size === 0) {
      this.rooms.delete(member.roomId);
      this.broadcastSeq.delete(member.roomId);
      this.stopRoom(member.roomId);
    }
  }

  /**
   * The room's first member here: subscribe to it, then start its sequencer at the log's head as read after the
   * subscription (rows up to it are what joining members replay; later ones arrive live). Retried while storage fails.
   */
  private startRoom(roomId: string): void {
    const sequencer = new RoomSequencer<Origin>({
      deliver: (row) => this.deliver(roomId, row),
      late: (row) => {
        if (row.origin) this.ack(row.origin, row.seq);
      },
      jumped: (seen) => this.jumped(roomId, seen),
      rowsAfter: (after, limit) => this.storage.rowsAfter(roomId, after, limit),
      gapMs: GAP_MS,
      maxEarly: MAX_EARLY,
      page: REPLAY_PAGE,
      onError: (error) => this.log.warn('room_resync_failed', { room: roomId, error: (error as Error).message }),
    });
    this.sequencers.set(roomId, sequencer);
    const gone = () => this.sequencers.get(roomId) !== sequencer;
    const begin = async (): Promise<void> => {
      if (gone()) return;
      try {
        const latest = (await this.storage.hasRoom(roomId)) ? (await this.storage.head(roomId)).latestSeq : 0;
        if (!gone()) sequencer.start(latest);
      } catch (error) {
        this.log.warn('room_start_failed', { room: roomId, error: (error as Error).message });
        setTimeout(() => void begin(), 1000).unref();
      }
    };
    void this.fanout.joinRoom(roomId).then(begin, begin);
  }

  private stopRoom(roomId: string): void {
    const sequencer = this.sequencers.get(roomId);
    if (!sequencer) return;
    sequencer.close();
    this.sequencers.delete(roomId);
    this.fanout.leaveRoom(roomId);
  }

  /** One row, in sequence: its writer's ACK, and a BROADCAST to every live member for which it is the next seq. */
  private deliver(roomId: string, row: SequencedRow<Origin>): void {
    if (row.seq > (this.broadcastSeq.get(roomId) ?? 0)) this.broadcastSeq.set(roomId, row.seq);
    const writer = row.origin?.member;
    if (row.origin) this.ack(row.origin, row.seq);
    let out: Uint8Array | null = null;
    for (const other of this.rooms.get(roomId) ?? []) {
      // replaying (or catching-up) members read this row from storage when their cursor gets there
      if (other === writer || other.state !== 'live' || other.catchingUp || other.cursor >= row.seq) continue;
      if (row.seq !== other.cursor + 1) {
        this.catchUp(other);
        continue;
      }
      out ??= writeBroadcast(row.seq, row.data);
      other.connection.send(out);
      other.cursor = row.seq;
    }
  }

  /**
   * The ACK of a commit, keeping a synced client's sequence contiguous: sent now if it is the next seq (or the
   * client is not synced, or already past it), else held for the member's catch-up to send in its place.
   */
  private ack(origin: Origin, seq: number): void {
    const { member, clientSeq } = origin;
    if (member.state === 'live' && seq > member.cursor) {
      if (!member.catchingUp && seq === member.cursor + 1) member.cursor = seq;
      else {
        member.acks.set(seq, clientSeq);
        this.catchUp(member);
        return;
      }
    }
    member.connection.send(writeAck(clientSeq, seq));
  }

  /** The room's sequence jumped (its start, or rows storage no longer has): live members behind catch up. */
  private jumped(roomId: string, seen: number): void {
    if (seen > (this.broadcastSeq.get(roomId) ?? 0)) this.broadcastSeq.set(roomId, seen);
    for (const member of this.rooms.get(roomId) ?? []) {
      if (member.state === 'live' && member.cursor < seen) this.catchUp(member);
    }
  }

  /** A live member behind the room reads the rows it lacks from storage (no SYNC_DONE: the client stays synced). */
  private catchUp(member: Member): void {
    if (member.catchingUp || member.state !== 'live' || !this.isMember(member)) return;
    member.catchingUp = true;
    if (member.replayTimer) clearTimeout(member.replayTimer);
    member.replayTimer = null;
    member.replayRun += 1;
    void this.replay(member, member.replayRun);
  }

  receive(connection: Connection, bytes: Uint8Array): void {
    const member = this.members.get(connection);
    if (!member) return;
    member.chain = member.chain
      .then(() => (this.isMember(member) ? this.handle(member, bytes) : undefined))
      .catch((error: unknown) => this.storageFailed(member, error, 'storage_read_failed'));
  }

  /**
   * Resolves once every frame received so far from the connection has been handled: the relay answers a ping only
   * then, so a pong still says "everything before it was read" although handling awaits storage.
   */
  handled(connection: Connection): Promise<void> {
    return this.members.get(connection)?.chain ?? Promise.resolve();
  }

  /** Whether the connection is still served (not closed meanwhile, e.g. during an await). */
  private isMember(member: Member): boolean {
    return !member.connection.closed && this.members.get(member.connection) === member;
  }

  /**
   * Storage could not answer: nothing was stored for this connection, so nothing is acknowledged. The client is
   * told and the connection closed (1013) so it reconnects with backoff and resends its pending updates.
   */
  private storageFailed(member: Member, error: unknown, event: string): void {
    this.log.error(event, { error: (error as Error)?.message ?? String(error), room: member.roomId });
    if (member.connection.closed) return;
    member.connection.send(writeError('storage', 'The relay’s storage is unavailable; nothing was stored, resend.'));
    member.connection.close(CLOSE_STORAGE_UNAVAILABLE, 'storage unavailable');
  }

  private async handle(member: Member, bytes: Uint8Array): Promise<void> {
    const { connection } = member;
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
      case MessageType.syncRequest: {
        if (member.state === 'new') {
          // read first, then decide and change state with no await in between: two guests racing for the last
          // seat, or two first members of a new room, see each other's state
          const seats = await this.storage.seats(member.roomId);
          const exists = this.roomInUse(member) || (await this.storage.hasRoom(member.roomId));
          const usage = exists ? null : await this.storage.usage();
          if (!this.isMember(member)) return;
          // a guest seat, counted across relays (the fan-out); given back when the connection closes
          const seated = await this.takeGuestSeat(member, seats);
          if (!this.isMember(member)) return;
          if (!seated) {
            this.turnAway(member, seats);
            return;
          }
          if (usage && !this.roomInUse(member) && !this.mayCreateRoom(member, usage.rooms)) return;
        }
        if (member.replayTimer) clearTimeout(member.replayTimer);
        member.replayTimer = null;
        // a new log to replay: ACKs held for a catch-up go out now (the client is not synced until SYNC_DONE)
        member.catchingUp = false;
        for (const [seq, clientSeq] of member.acks) connection.send(writeAck(clientSeq, seq));
        member.acks.clear();
        member.state = 'replaying';
        member.cursor = message.sinceServerSeq;
        member.replayRun += 1;
        // not awaited: the connection's next frames (its updates) are served while the log streams out
        void this.replay(member, member.replayRun);
        return;
      }
      case MessageType.update:
        if (member.state === 'new') {
          this.notSynced(member);
          return;
        }
        if (!writer.verifyUpdate(message.ciphertext, message.signature)) {
          this.badSignature(member, 'UPDATE');
          return;
        }
        await this.accept(member, message.clientSeq, message.ciphertext);
        return;
      case MessageType.snapshot:
        if (member.state !== 'live') {
          this.notSynced(member);
          return;
        }
        await this.compact(member, writer, message);
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
        this.fanout.publishAwareness(member.roomId, message.ciphertext);
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
        await this.takeSeats(member, writer, message);
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
  private async takeSeats(
    member: Member,
    writer: RoomWriter,
    {
      guests,
      hostKey,
      signature,
      claim,
    }: { guests: number; hostKey: Uint8Array; signature: Uint8Array; claim: Uint8Array },
  ): Promise<void> {
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
    const exists = this.roomInUse(member) || (await this.storage.hasRoom(roomId));
    if (!exists) {
      const usage = await this.storage.usage();
      if (!this.isMember(member) || !this.mayCreateRoom(member, usage.rooms)) return;
    }
    const known = await this.storage.seats(roomId);
    if (known && !sameKey(known.hostKey, hostKey)) return void refuse('This room has another host key.');
    // first host key wins, also against a host racing on another relay: the storage decides atomically
    if ((!known || known.guests !== guests) && !(await this.storage.setSeats(roomId, { hostKey, guests }))) {
      return void refuse('This room has another host key.');
    }
    if (!this.isMember(member)) return;
    member.host = true;
  }

  /** Another member of the room on this relay is past SYNC_REQUEST or is its host: the room exists (or is being made). */
  private roomInUse(member: Member): boolean {
    for (const other of this.rooms.get(member.roomId) ?? []) {
      if (other !== member && (other.state !== 'new' || other.host)) return true;
    }
    return false;
  }

  /**
   * Takes one of the room's guest seats (connections past SYNC_REQUEST, the host's not counted) on every relay
   * together; false when they are all taken. A seat taken for a connection that closed meanwhile is given back.
   */
  private async takeGuestSeat(member: Member, seats: { guests: number } | null): Promise<boolean> {
    if (member.host || member.seated) return true;
    const seated = await this.fanout.acquire(seatKey(member.roomId), seats ? seats.guests : UNLIMITED_SEATS);
    if (!seated) return false;
    if (!this.isMember(member)) {
      this.fanout.release(seatKey(member.roomId));
      return false;
    }
    member.seated = true;
    return true;
  }

  /** Not a bad frame: the client did nothing wrong, the room is full. It may come back when someone leaves. */
  private turnAway(member: Member, seats: { guests: number } | null): void {
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
  private mayCreateRoom(member: Member, storedRooms: number): boolean {
    const { connection } = member;
    let code: RelayErrorCode | null = null;
    let why = '';
    if (storedRooms >= this.limits.maxRooms) {
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
  private async accept(member: Member, clientSeq: number, data: Uint8Array): Promise<void> {
    const total = (await this.storage.usage()).bytes;
    const head = await this.storage.head(member.roomId);
    if (!this.isMember(member)) return;
    // with what is queued and what is being written (not in the stored totals until it commits)
    if (total + this.writingBytes + this.queuedBytes + data.byteLength > this.limits.maxTotalBytes) {
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
    const stored = head.bytes;
    if (
      stored + (this.writingRoomBytes.get(member.roomId) ?? 0) + queued + data.byteLength >
      this.limits.maxRoomBytes
    ) {
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

  /**
   * Writes whatever is queued now, and what is queued while it writes, one batch (one transaction) at a time;
   * resolves once the queue is empty (shutdown awaits it, so nothing received is dropped).
   */
  flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.writing) return this.writing;
    if (this.queue.length === 0) return Promise.resolve();
    this.writing = (async () => {
      try {
        while (this.queue.length > 0) await this.writeBatch();
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    // still counted by the caps while in flight
    this.writingRoomBytes = new Map(this.queuedRoomBytes);
    this.writingBytes = this.queuedBytes;
    this.queuedRoomBytes.clear();
    this.queuedBytes = 0;
    let seqs: number[];
    try {
      seqs = await this.storage.append(
        batch.map((write) => ({ roomId: write.member.roomId, data: write.data })),
        this.clock(),
      );
    } catch (error) {
      // not stored, so not ACKed: the clients keep the updates pending and resend them after reconnecting
      this.log.error('storage_write_failed', { error: (error as Error).message, updates: batch.length });
      const told = new Set<Member>();
      for (const write of batch) {
        if (told.has(write.member)) continue;
        told.add(write.member);
        write.member.connection.send(writeError('storage', 'Update not stored; resend it.'));
        write.member.connection.close(CLOSE_STORAGE_UNAVAILABLE, 'storage unavailable');
      }
      return;
    } finally {
      this.writingRoomBytes = new Map();
      this.writingBytes = 0;
    }
    this.metrics.updatesStored += batch.length;
    batch.forEach((write, index) => {
      const serverSeq = seqs[index] as number;
      const roomId = write.member.roomId;
      const origin = { member: write.member, clientSeq: write.clientSeq };
      // the other relays first, then this relay's members in sequence order (with the rows of the other relays)
      this.fanout.publishUpdate(roomId, serverSeq, write.data);
      const sequencer = this.sequencers.get(roomId);
      if (sequencer) sequencer.offer({ seq: serverSeq, data: write.data, origin });
      else this.ack(origin, serverSeq);
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  /** Streams the log from the member's cursor in pages; `run` is the SYNC_REQUEST it serves (a newer one wins). */
  private async replay(member: Member, run: number): Promise<void> {
    member.replayTimer = null;
    const { connection, roomId } = member;
    const current = () => member.replayRun === run && this.isMember(member);
    // re-reads for a broadcast seq the log does not show: bounded, as a log lost or expired meanwhile never will
    let rereads = 0;
    try {
      for (;;) {
        if (!current()) return;
        const page = await this.storage.readLog(roomId, member.cursor, REPLAY_PAGE);
        if (!current()) return;
        const before = member.cursor;
        if (page.snapshot && member.cursor < page.head.snapshotSeq) {
          if (member.catchingUp) {
            // a synced client cannot take a snapshot in place of rows it lacks: it rejoins and replays
            connection.close(CLOSE_RESYNC, 'resync');
            return;
          }
          // rows up to the snapshot are gone (or about to be): the snapshot stands in for all of them
          connection.send(writeBroadcast(page.snapshot.seq, page.snapshot.data));
          member.cursor = page.snapshot.seq;
        }
        for (const row of page.rows) {
          if (row.seq <= member.cursor) continue;
          // its own commit: the ACK held for this place in the sequence
          const clientSeq = member.acks.get(row.seq);
          if (clientSeq !== undefined) {
            member.acks.delete(row.seq);
            connection.send(writeAck(clientSeq, row.seq));
          } else connection.send(writeBroadcast(row.seq, row.data));
          member.cursor = row.seq;
        }
        if (page.rows.length < REPLAY_PAGE) {
          // caught up with every committed row, unless this relay broadcast a later one while we read (it skipped
          // us, we were not live): read again. No await between this check and going live.
          if (member.cursor > before) rereads = 0;
          if ((this.broadcastSeq.get(roomId) ?? 0) > member.cursor && rereads < 3) {
            rereads += 1;
            continue;
          }
          member.state = 'live';
          if (member.catchingUp) {
            // caught up: no SYNC_DONE (the client stayed synced); ACKs of rows it already had go out now
            member.catchingUp = false;
            for (const [seq, clientSeq] of member.acks) {
              if (seq > member.cursor) continue;
              connection.send(writeAck(clientSeq, seq));
              member.acks.delete(seq);
            }
            return;
          }
          const head = this.syncDoneHead(page.head, member.cursor);
          connection.send(writeSyncDone(head.latestSeq, head.snapshotSeq, head.epoch));
          return;
        }
        if (connection.queuedBytes > this.limits.maxQueuedBytes / 2) {
          member.replayTimer = setTimeout(() => void this.replay(member, run), REPLAY_RESUME_MS);
          return;
        }
      }
    } catch (error) {
      if (current()) this.storageFailed(member, error, 'storage_read_failed');
    }
  }

  /** SYNC_DONE's latest seq is at least what the member was sent (a row read after the head was taken). */
  private syncDoneHead(head: RoomHead, cursor: number): RoomHead {
    return cursor > head.latestSeq ? { ...head, latestSeq: cursor } : head;
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
  private async compact(
    member: Member,
    writer: RoomWriter,
    {
      upToServerSeq: upTo,
      ciphertext: data,
      signature,
    }: { upToServerSeq: number; ciphertext: Uint8Array; signature: Uint8Array },
  ): Promise<void> {
    const { connection, roomId } = member;
    const head = await this.storage.head(roomId);
    if (!this.isMember(member)) return;
    if (!writer.verifySnapshot(head.epoch, upTo, data, signature)) {
      this.badSignature(member, 'SNAPSHOT');
      return;
    }
    if (upTo <= head.snapshotSeq) return this.staleSnapshot(member, head.snapshotSeq, upTo);
    // the head read may lag (another relay wrote since): the storage checks again, atomically, when compacting
    const total = (await this.storage.usage()).bytes;
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
    const result = await this.storage.compact(roomId, upTo, data, this.clock());
    if (result === 'stale') {
      return this.staleSnapshot(member, (await this.storage.head(roomId)).snapshotSeq, upTo);
    }
    if (result === 'past_log') {
      connection.refuse(RelayErrorCode.malformed, () =>
        connection.send(writeError(RelayErrorCode.malformed, `snapshot up to ${upTo} is past the log`)),
      );
      return;
    }
    this.metrics.snapshotsStored += 1;
    this.log.debug('room_compacted', { room: member.roomId, upTo });
    this.fanout.publishSnapshotStored(roomId, upTo);
    const out = writeSnapshotStored(upTo);
    for (const other of this.rooms.get(member.roomId) ?? []) {
      if (other.state === 'live') other.connection.send(out);
    }
  }

  /** Not a bad frame: an honest client may lose the race to another's snapshot (it is told by SNAPSHOT_STORED). */
  private staleSnapshot(member: Member, snapshotSeq: number, upTo: number): void {
    this.metrics.reject(RelayErrorCode.snapshotStale);
    member.connection.send(
      writeError(
        RelayErrorCode.snapshotStale,
        `The log is already compacted to ${snapshotSeq}; a snapshot up to ${upTo} would replace nothing.`,
      ),
    );
  }

  private notSynced(member: Member): void {
    member.connection.refuse(RelayErrorCode.notSynced, () =>
      member.connection.send(writeError(RelayErrorCode.notSynced, 'Send SYNC_REQUEST before anything else.')),
    );
  }
}
