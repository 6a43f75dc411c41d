import { describe, expect, it } from 'vitest';
import { AsyncDisposableStore, DisposableStore, Emitter, errorMessage, toDisposable } from './lifecycle.js';

describe('DisposableStore', () => {
  it('disposes what it holds in the reverse order it was added', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.defer(() => order.push('first'));
    store.add(toDisposable(() => order.push('second')));
    store.defer(() => order.push('third'));
    store.dispose();
    expect(order).toEqual(['third', 'second', 'first']);
  });

  it('runs every disposal when one throws, then rethrows that error', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.defer(() => order.push('first'));
    store.defer(() => {
      throw new Error('second broke');
    });
    store.defer(() => order.push('third'));
    expect(() => store.dispose()).toThrow('second broke');
    expect(order).toEqual(['third', 'first']);
  });

  it('rethrows several failed disposals together', () => {
    const store = new DisposableStore();
    store.defer(() => {
      throw new Error('a');
    });
    store.defer(() => {
      throw new Error('b');
    });
    let caught: unknown;
    try {
      store.dispose();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors.map(errorMessage)).toEqual(['b', 'a']);
  });

  it('disposes a newcomer at once once it is itself disposed, and disposes each item once', () => {
    let count = 0;
    const store = new DisposableStore();
    store.defer(() => count++);
    store.dispose();
    store.dispose();
    expect(count).toBe(1);
    store.defer(() => count++);
    expect(count).toBe(2);
    expect(store.isDisposed).toBe(true);
  });
});

describe('AsyncDisposableStore', () => {
  it('waits for each teardown before starting the one added before it', async () => {
    const order: string[] = [];
    const store = new AsyncDisposableStore();
    store.defer(() => {
      order.push('first');
    });
    store.defer(async () => {
      order.push('second started');
      await Promise.resolve();
      await Promise.resolve();
      order.push('second ended');
    });
    store.defer(async () => {
      await Promise.resolve();
      order.push('third');
    });
    await store.dispose();
    expect(order).toEqual(['third', 'second started', 'second ended', 'first']);
  });

  it('goes on after a failed teardown and rejects with its error; a second dispose is the same promise', async () => {
    const order: string[] = [];
    const store = new AsyncDisposableStore();
    store.defer(() => {
      order.push('first');
    });
    store.defer(async () => {
      throw new Error('stop failed');
    });
    const disposing = store.dispose();
    expect(store.dispose()).toBe(disposing);
    await expect(disposing).rejects.toThrow('stop failed');
    expect(order).toEqual(['first']);
  });

  it('disposes a newcomer at once after disposal began', async () => {
    const store = new AsyncDisposableStore();
    await store.dispose();
    let disposed = false;
    store.defer(() => {
      disposed = true;
    });
    expect(disposed).toBe(true);
  });
});

describe('Emitter', () => {
  it('a listener added while firing hears the next value, not the current one', () => {
    const emitter = new Emitter<number>();
    const late: number[] = [];
    const early: number[] = [];
    emitter.event((value) => {
      early.push(value);
      if (value === 1) emitter.event((v) => late.push(v));
    });
    emitter.fire(1);
    emitter.fire(2);
    expect(early).toEqual([1, 2]);
    expect(late).toEqual([2]);
  });

  it('a disposed subscription hears nothing more, and the same listener twice is two subscriptions', () => {
    const emitter = new Emitter<string>();
    const heard: string[] = [];
    const listener = (value: string) => heard.push(value);
    const one = emitter.event(listener);
    emitter.event(listener);
    emitter.fire('a');
    one.dispose();
    emitter.fire('b');
    expect(heard).toEqual(['a', 'a', 'b']);
  });

  it('a disposed emitter drops its listeners and ignores new ones', () => {
    const emitter = new Emitter<void>();
    let heard = 0;
    emitter.event(() => heard++);
    emitter.dispose();
    emitter.event(() => heard++);
    emitter.fire();
    expect(heard).toBe(0);
    expect(emitter.hasListeners).toBe(false);
  });
});

describe('errorMessage', () => {
  it("is an Error's message", () => {
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
  });

  it('is the message of a plain object that carries one (an error that crossed the contextBridge)', () => {
    expect(errorMessage({ code: 'E_UNAVAILABLE', message: 'The engine is not running.' })).toBe(
      'The engine is not running.',
    );
  });

  it('is the text of anything else', () => {
    expect(errorMessage('plain words')).toBe('plain words');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage({ message: 7 })).toBe('[object Object]');
    expect(errorMessage(null)).toBe('null');
  });
});
