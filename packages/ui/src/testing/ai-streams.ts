// Test support for the ai controllers: an engine whose ai.chat / ai.edit streams the test drives by hand, through the
// client's own stream reader (ClientStream), so `for await`, `result` and cancellation behave as over a socket.
import {
  type AiAnswer,
  type AiToken,
  ClientStream,
  type EngineClient,
  ErrorCode,
  PaError,
  type StreamOptions,
} from '@pa/shared';
import { FakeEngine } from './fake-engine';

export interface DrivenStream {
  method: string;
  params: unknown;
  /** The engine sends tokens. */
  tokens(...texts: string[]): void;
  /** The engine sends whole items (a chat's first item carries the context its mentions added). */
  items(...items: AiToken[]): void;
  /** The engine ends the stream with an answer. */
  answer(answer: AiAnswer): void;
  /** The engine ends the stream with an error. */
  fail(error: PaError): void;
  /** Whether the reader cancelled it (the cancel frame went to the engine). */
  readonly cancelled: boolean;
}

/** A FakeEngine whose `client` also opens streams the test drives; calls are answered as FakeEngine's are. */
export class AiStreamsEngine {
  /** Answers the calls (conversations, providers) as FakeEngine does. */
  readonly calls = new FakeEngine();
  /** Every stream the controllers opened, in order. */
  readonly streams: DrivenStream[] = [];
  readonly client: EngineClient = {
    ...this.calls.client,
    stream: ((method: string, params: unknown, options: StreamOptions = {}) => {
      let cancelled = false;
      const stream = new ClientStream<AiToken, AiAnswer>({
        method,
        parseItem: (raw) => ({ success: true, data: raw as AiToken }),
        parseResult: (raw) => ({ success: true, data: raw as AiAnswer }),
        send: (frame) => {
          if ('cancel' in frame) cancelled = true;
        },
        forget: () => {},
        signal: options.signal,
      });
      this.streams.push({
        method,
        params,
        tokens: (...texts) => stream.receive(texts.map((text) => ({ text }))),
        items: (...items) => stream.receive(items),
        answer: (answer) => stream.end(answer),
        fail: (error) => stream.fail(error),
        get cancelled() {
          return cancelled;
        },
      });
      return stream;
    }) as EngineClient['stream'],
  };

  /** The stream opened last (the test fails when there is none). */
  last(): DrivenStream {
    const stream = this.streams.at(-1);
    if (!stream) throw new PaError(ErrorCode.NOT_FOUND, 'No stream was opened.');
    return stream;
  }
}

export function answerOf(text: string, providerId = 'good', model = 'good-model'): AiAnswer {
  return {
    text,
    route: { providerId, model, reasons: ['priority'], fallbacks: [] },
    ttftMs: 5,
    totalMs: 10,
    tokensIn: 3,
    tokensOut: 2,
  };
}

/** Lets the controllers' loops take what was delivered. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
