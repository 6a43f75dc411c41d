// Lifetimes, once for every process: what can be disposed, a store that disposes what it holds in reverse order,
// a typed event emitter whose subscriptions are disposables, and the one way to turn a thrown value into text.

export interface Disposable {
  dispose(): void;
}

/** A disposable whose disposal may finish later (closing a store, stopping a child process). */
export interface AsyncDisposable {
  dispose(): void | Promise<void>;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

function disposalError(errors: unknown[]): unknown {
  return errors.length === 1 ? errors[0] : new AggregateError(errors, 'Several disposals failed.');
}

/**
 * Holds disposables and disposes them in the reverse order they were added (last set up, first torn down). Each
 * one runs even when an earlier one throws; the errors are rethrown together afterwards. Adding to a store that
 * was already disposed disposes the newcomer at once, so late set-up never leaks.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  /** Adds a plain teardown function. */
  defer(dispose: () => void): void {
    this.add(toDisposable(dispose));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw disposalError(errors);
  }
}

/** DisposableStore for teardowns that may be async: each waits for the one added after it. */
export class AsyncDisposableStore implements AsyncDisposable {
  private readonly items: AsyncDisposable[] = [];
  private disposing: Promise<void> | null = null;

  add<T extends AsyncDisposable>(item: T): T {
    if (this.disposing) void item.dispose();
    else this.items.push(item);
    return item;
  }

  defer(dispose: () => void | Promise<void>): void {
    this.add({ dispose });
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      const errors: unknown[] = [];
      for (const item of this.items.splice(0).reverse()) {
        try {
          await item.dispose();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw disposalError(errors);
    })();
    return this.disposing;
  }
}

/** Subscribes a listener; the subscription is a disposable. Named `onDid…` on the objects that expose one. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  /** The subscribe function to expose; listeners added while firing hear the next value, not this one. */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {});
    const own = (value: T) => listener(value);
    this.listeners.add(own);
    return toDisposable(() => this.listeners.delete(own));
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** A thrown value as text for the engine's log: an Error's stack (message when it has none), else String(). */
export function errorStack(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** A thrown value as text for people: an Error's message, anything else as String() gives it. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message; // a PaError that crossed Electron's contextBridge as a plain object
  }
  return String(error);
}
