// Two small building blocks the workbench keeps its state in, outside React: a value that components read with
// useSyncExternalStore, and an event emitter whose subscriptions return their own disposal.
import type { Disposable } from '@pa/shared';
import { useSyncExternalStore } from 'react';

export class Observable<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(next: T): void {
    if (Object.is(next, this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (value: T) => T): void {
    this.set(change(this.current));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(observable.subscribe, () => observable.value);
}

/**
 * Reads one part of an observable's value; the component re-renders only when that part changes (by identity),
 * so a cursor move does not redraw the explorer. The selector must return a stored value, not a new object.
 */
export function useSelected<T, R>(observable: Observable<T>, select: (value: T) => R): R {
  return useSyncExternalStore(observable.subscribe, () => select(observable.value));
}

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // one feature's broken listener must not stop the others from hearing the event
        console.error(error);
      }
    }
  }
}
