// A stand-in for the engine in the UI's unit tests: an EngineClient whose calls are answered by the test (or
// rejected when it gave no answer), that records every call and lets the test fire engine events.
import {
  type CallMethodName,
  type EngineClient,
  type EventData,
  type EventName,
  type ParamsIn,
  type Result,
  toDisposable,
} from '@pa/shared';

type Answer = (params: unknown) => unknown;

export class FakeEngine {
  /** Every call made, in order. */
  readonly calls: Array<{ method: string; params: unknown }> = [];
  private readonly answers = new Map<string, Answer>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();

  readonly client: EngineClient = {
    call: (async (method: string, params?: unknown) => {
      this.calls.push({ method, params });
      const answer = this.answers.get(method);
      if (!answer) throw new Error(`FakeEngine: no answer for ${method}`);
      return answer(params);
    }) as EngineClient['call'],
    stream: (() => {
      throw new Error('FakeEngine: streams are not faked');
    }) as EngineClient['stream'],
    on: ((event: string, listener: (data: unknown) => void) => {
      const set = this.listeners.get(event) ?? new Set();
      this.listeners.set(event, set);
      set.add(listener);
      return toDisposable(() => set.delete(listener));
    }) as EngineClient['on'],
    onClose: () => toDisposable(() => {}),
  };

  /** Answers `method` (a thrown error or rejected promise is the call's failure). */
  answer<M extends CallMethodName>(method: M, reply: (params: ParamsIn<M>) => Result<M> | Promise<Result<M>>): void {
    this.answers.set(method, reply as Answer);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(data);
  }

  /** How many listeners an event has (a disposed subscriber has none left). */
  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  methods(): string[] {
    return this.calls.map((call) => call.method);
  }
}

/** A promise the test settles when it wants to: holds a call open to look at the state meanwhile. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
