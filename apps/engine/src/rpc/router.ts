// Dispatches one raw inbound message: size check → JSON → envelope → method → params → handler → wire answer.
// Nothing thrown inside escapes: every failure becomes a typed error frame and the engine keeps running.
import {
  type CallMethodName,
  ErrorCode,
  isMethodName,
  isStreamMethod,
  MAX_MESSAGE_BYTES,
  type MethodName,
  methods,
  PaError,
  type RequestId,
  RequestMessage,
  StreamControlMessage,
  type StreamMethodName,
  toWireError,
  type WireError,
} from '@pa/shared';
import type { z } from 'zod';
import type { CallContext, Handler, PartialHandlers, StreamHandler } from './handlers.js';

export type Answer = { id: string | number | null; result: unknown } | { id: string | number | null; error: WireError };

/** One inbound frame, read and checked: a refusal to send back, a stream control frame, or a request to run. */
export type Decoded =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'control'; control: StreamControlMessage }
  | { kind: 'call'; id: RequestId; method: CallMethodName; params: unknown; handler: Handler<CallMethodName> }
  | {
      kind: 'stream';
      id: RequestId;
      method: StreamMethodName;
      params: unknown;
      handler: StreamHandler<StreamMethodName>;
    };

export interface RouterOptions {
  /** Called for errors that are our fault (E_INTERNAL), never for bad input. */
  onInternalError?: (method: string, error: unknown) => void;
}

export class Router {
  private readonly handlers: PartialHandlers = {};

  constructor(private readonly options: RouterOptions = {}) {}

  register(handlers: PartialHandlers): void {
    for (const name of Object.keys(handlers) as MethodName[]) {
      if (this.handlers[name]) throw new Error(`Method ${name} registered twice`);
      (this.handlers as Record<string, unknown>)[name] = handlers[name];
    }
  }

  has(name: MethodName): boolean {
    return this.handlers[name] !== undefined;
  }

  /** Called when a handler fails with an error that is our fault (streams report theirs here too). */
  reportInternal(method: string, error: unknown): void {
    this.options.onInternalError?.(method, error);
  }

  /** Reads one frame as received from a transport (string or bytes) as far as deciding what it asks for. */
  decode(raw: string | Buffer): Decoded {
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (size > MAX_MESSAGE_BYTES) {
      // answered with the request's id when its start carries one, so the caller's call fails instead of waiting
      return {
        kind: 'answer',
        answer: fail(
          leadingId(raw),
          ErrorCode.TOO_LARGE,
          `Message of ${size} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit; send large content in parts.`,
        ),
      };
    }
    let message: unknown;
    try {
      message = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch {
      return { kind: 'answer', answer: fail(null, ErrorCode.BAD_REQUEST, 'Message is not valid JSON.') };
    }
    return this.decodeMessage(message);
  }

  decodeMessage(message: unknown): Decoded {
    if (typeof message === 'object' && message !== null && !('method' in message)) {
      const control = StreamControlMessage.safeParse(message);
      if (control.success) return { kind: 'control', control: control.data };
    }
    const envelope = RequestMessage.safeParse(message);
    if (!envelope.success) {
      return {
        kind: 'answer',
        answer: fail(idOf(message), ErrorCode.BAD_REQUEST, `Malformed request: ${summarize(envelope.error)}`),
      };
    }
    const { id, method, params } = envelope.data;
    if (!isMethodName(method)) {
      return { kind: 'answer', answer: fail(id, ErrorCode.NOT_FOUND, `Unknown method "${method.slice(0, 128)}".`) };
    }
    const handler = this.handlers[method];
    if (!handler) {
      return {
        kind: 'answer',
        answer: fail(id, ErrorCode.NOT_FOUND, `Method "${method}" is not available in this engine.`),
      };
    }
    const parsed = methods[method].params.safeParse(params);
    if (!parsed.success) {
      return {
        kind: 'answer',
        answer: fail(id, ErrorCode.BAD_REQUEST, `Invalid params for ${method}: ${summarize(parsed.error)}`),
      };
    }
    return isStreamMethod(method)
      ? {
          kind: 'stream',
          id,
          method,
          params: parsed.data,
          handler: handler as unknown as StreamHandler<StreamMethodName>,
        }
      : {
          kind: 'call',
          id,
          method: method as CallMethodName,
          params: parsed.data,
          handler: handler as unknown as Handler<CallMethodName>,
        };
  }

  /** Runs a decoded call and returns its answer; nothing thrown escapes. */
  async invoke(call: Extract<Decoded, { kind: 'call' }>, ctx: CallContext): Promise<Answer> {
    try {
      const result = await call.handler(call.params as never, ctx);
      return { id: call.id, result };
    } catch (error) {
      const wire = toWireError(error);
      if (wire.code === ErrorCode.INTERNAL) this.options.onInternalError?.(call.method, error);
      return { id: call.id, error: wire };
    }
  }

  /**
   * Handles one frame that must be a call (tests, and callers without a connection loop); a stream method is
   * answered E_BAD_REQUEST here: streams need serveConnection().
   */
  async handleRaw(raw: string | Buffer, ctx: CallContext): Promise<Answer> {
    return this.answerOf(this.decode(raw), ctx);
  }

  /** Handles one already-parsed message that must be a call. */
  async handle(message: unknown, ctx: CallContext): Promise<Answer> {
    return this.answerOf(this.decodeMessage(message), ctx);
  }

  private answerOf(decoded: Decoded, ctx: CallContext): Promise<Answer> | Answer {
    switch (decoded.kind) {
      case 'answer':
        return decoded.answer;
      case 'call':
        return this.invoke(decoded, ctx);
      case 'stream':
        return fail(decoded.id, ErrorCode.BAD_REQUEST, `${decoded.method} is a stream; open it over a connection.`);
      case 'control':
        return fail(decoded.control.id, ErrorCode.BAD_REQUEST, 'A stream control frame needs a connection.');
    }
  }
}

function fail(id: string | number | null, code: (typeof ErrorCode)[keyof typeof ErrorCode], message: string): Answer {
  return { id, error: new PaError(code, message).toWire() };
}

/** `{"id": …` at the start of a frame (as every client writes it), read without parsing the whole frame. */
const LEADING_ID = /^\s*\{\s*"id"\s*:\s*(?:(\d{1,15})\s*[,}]|"([^"\\]{1,64})")/;

function leadingId(raw: string | Buffer): string | number | null {
  const start = typeof raw === 'string' ? raw.slice(0, 256) : raw.subarray(0, 256).toString('utf8');
  const match = LEADING_ID.exec(start);
  if (!match) return null;
  return match[1] !== undefined ? Number(match[1]) : (match[2] ?? null);
}

function idOf(message: unknown): string | number | null {
  if (typeof message !== 'object' || message === null || !('id' in message)) return null;
  const id = (message as { id: unknown }).id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
  return null;
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ')
    .slice(0, 500);
}
