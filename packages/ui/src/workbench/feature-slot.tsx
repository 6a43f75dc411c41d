// Where a feature keeps the controllers of one activation: created when the workbench activates the feature,
// disposed with it, and found by the feature's views and commands, which may render or run before or after that.
import { type Disposable, toDisposable } from '@pa/shared';
import type { ComponentType, ReactNode } from 'react';
import { Observable, useObservable } from './observable';

export class FeatureSlot<T extends Disposable> {
  readonly current = new Observable<T | null>(null);

  /** Creates this activation's instance; disposing the result empties the slot, then disposes the instance. */
  fill(create: () => T): Disposable {
    const instance = create();
    this.current.set(instance);
    return toDisposable(() => {
      // views let go of it first, so none renders a disposed controller
      if (this.current.value === instance) this.current.set(null);
      instance.dispose();
    });
  }

  /** A view that renders `render(instance)` while the feature is active, `inactive` before and after. */
  view(render: (instance: T) => ReactNode, inactive: ReactNode = null): ComponentType {
    const { current } = this;
    return function FeatureView() {
      const instance = useObservable(current);
      return instance ? render(instance) : inactive;
    };
  }
}
