import { describe, expect, it } from 'vitest';
import { AUTO_SAVE_KEY, AutoSave } from './auto-save';

/** Timers run by hand: `run()` fires every one still set. */
function manualTimers() {
  const set = new Map<number, () => void>();
  let next = 1;
  return {
    timers: {
      setTimeout: ((callback: () => void) => {
        set.set(next, callback);
        return next++;
      }) as unknown as typeof setTimeout,
      clearTimeout: ((id: number) => set.delete(id)) as unknown as typeof clearTimeout,
    },
    run() {
      const due = [...set.values()];
      set.clear();
      for (const callback of due) callback();
    },
    count: () => set.size,
  };
}

function setup(stored: string | null) {
  const storage = new Map<string, string>(stored === null ? [] : [[AUTO_SAVE_KEY, stored]]);
  const saved: string[] = [];
  const dirty = new Set<string>(['a.ts', 'b.ts']);
  const clock = manualTimers();
  const autoSave = new AutoSave({
    storage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) },
    save: async (path) => saved.push(path),
    isDirty: (path) => dirty.has(path),
    timers: clock.timers,
  });
  return { autoSave, saved, dirty, clock, storage };
}

describe('AutoSave', () => {
  it('is off by default: a change saves nothing', () => {
    const { autoSave, saved, clock } = setup(null);
    expect(autoSave.enabled.value).toBe(false);
    autoSave.changed('a.ts');
    clock.run();
    expect(saved).toEqual([]);
  });

  it('when on, saves a dirty file once after its last change, and remembers the setting', () => {
    const { autoSave, saved, clock, storage } = setup(null);
    autoSave.set(true);
    expect(storage.get(AUTO_SAVE_KEY)).toBe('on');
    autoSave.changed('a.ts');
    autoSave.changed('a.ts');
    expect(clock.count()).toBe(1);
    clock.run();
    expect(saved).toEqual(['a.ts']);
  });

  it('skips a file that is clean by the time its delay ends, and stops when turned off', () => {
    const { autoSave, saved, dirty, clock } = setup('on');
    expect(autoSave.enabled.value).toBe(true);
    autoSave.changed('a.ts');
    dirty.delete('a.ts');
    clock.run();
    autoSave.changed('b.ts');
    autoSave.set(false);
    clock.run();
    expect(saved).toEqual([]);
  });
});
