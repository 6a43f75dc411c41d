// One accepted WebSocket with what the relay tracks about it: liveness, bounded send queue, bad-frame budget,
// and the message/byte budget that keeps one token holder from flooding the relay.

import { CloseCode, RelayErrorCode } from '@pa/shared/relay/protocol';
import type { WebSocket } from 'ws';
import { MessageBudget, type MessageBudgetLimits } from './admission.js';
import type { Endpoint, Metrics } from './metrics.js';

/** ERROR frames sent back per connection before the relay gives up on it. */
const BAD_FRAME_LIMIT = 100;

export class Connection {
  lastSeen: number;
  private badFrames = 0;
  closed = false;
  readonly budget: MessageBudget;

  constructor(
    readonly socket: WebSocket,
    readonly endpoint: Endpoint,
    readonly ip: string,
    private readonly metrics: Metrics,
    private readonly maxQueuedBytes: number,
    limits: MessageBudgetLimits,
    now: number,
  ) {
    this.lastSeen = now;
    this.budget = new MessageBudget(limits, now);
  }

  get queuedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Sends unless the peer is not reading: past the queue cap it is dropped, so one slow reader cannot grow memory. */
  send(data: Uint8Array | string): boolean {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.maxQueuedBytes) {
      this.metrics.reject(RelayErrorCode.slowConsumer);
      this.close(CloseCode.slowConsumer, 'slow consumer: too many bytes queued');
      return false;
    }
    this.socket.send(data);
    this.metrics.sent(typeof data === 'string' ? data.length : data.byteLength);
    return true;
  }

  /** Counts a refused frame; returns false once the connection has been closed for too many of them. */
  refuse(reason: RelayErrorCode, reply?: () => void): boolean {
    this.metrics.reject(reason);
    this.badFrames += 1;
    if (this.badFrames > BAD_FRAME_LIMIT) {
      this.close(CloseCode.tooManyBadFrames, 'too many bad frames');
      return false;
    }
    reply?.();
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    // a peer that never answers the closing handshake must not hold the socket open
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }
}
