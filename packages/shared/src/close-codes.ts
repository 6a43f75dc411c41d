// WebSocket close codes, one table for every socket of the product (the engine's /rpc, the relay's /sync and
// /signal). 1000–1015 are the protocol's own (RFC 6455); ours live in 4000–4999 as 4000 + the HTTP status that
// says the same thing, so 4401 reads as 401. Values go over the wire: never renumber.
export const CloseCode = {
  /** Done on purpose (a client leaving, a page closing the socket). */
  normal: 1000,
  /** The server is going down (a restart, a relay shutting down): reconnecting later can work. */
  shuttingDown: 1001,
  /** relay: a connection sent too many frames it could not decode. */
  tooManyBadFrames: 4400,
  /**
   * engine: no token, a wrong one, or none within the first moments of the connection; relay: the connect token was
   * refused. The same token will be refused again, so a client stops retrying until it has another.
   */
  unauthorized: 4401,
  /** relay: the room's guests are all there (SEATS): try again when someone leaves. */
  sessionFull: 4403,
  /** relay: no such room, or the room id is malformed. */
  badRoom: 4404,
  /** relay: the PROOF did not show the room's write key; the connection has no room here. */
  badProof: 4406,
  /** relay: the client read too slowly and too many bytes queued up for it. */
  slowConsumer: 4408,
  /** relay: nothing was heard from the connection for too long. */
  idle: 4410,
  /** relay: a frame over the size limit. */
  tooLarge: 4413,
  /** relay: the per-address handshake limit or the per-connection message/byte budget was exceeded. */
  rateLimited: 4429,
  /** relay: no room could be created (rooms per relay, or per address per hour): retry much later. */
  roomRefused: 4507,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
