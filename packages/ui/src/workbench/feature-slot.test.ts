import type { Disposable } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { FeatureSlot } from './feature-slot';

class Instance implements Disposable {
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

describe('FeatureSlot', () => {
  it('holds the instance of an activation and empties before the instance is disposed', () => {
    const slot = new FeatureSlot<Instance>();
    const instance = new Instance();
    const seen: Array<{ current: Instance | null; disposed: boolean }> = [];
    slot.current.subscribe(() => seen.push({ current: slot.current.value, disposed: instance.disposed }));
    const activation = slot.fill(() => instance);
    expect(slot.current.value).toBe(instance);
    activation.dispose();
    expect(seen).toEqual([
      { current: instance, disposed: false },
      { current: null, disposed: false },
    ]);
    expect(instance.disposed).toBe(true);
  });

  it("keeps a newer activation's instance when an older one is disposed after it (React's double start)", () => {
    const slot = new FeatureSlot<Instance>();
    const older = slot.fill(() => new Instance());
    const newer = new Instance();
    slot.fill(() => newer);
    older.dispose();
    expect(slot.current.value).toBe(newer);
    expect(newer.disposed).toBe(false);
  });
});
