import { describe, expect, it } from 'vitest';
import { Notifications, TOAST_MS } from './notifications';

/** Runs scheduled callbacks when the test says time has passed. */
function manualClock() {
  let now = 0;
  const pending: Array<{ at: number; run: () => void }> = [];
  return {
    schedule: (run: () => void, ms: number) => pending.push({ at: now + ms, run }),
    advance(ms: number) {
      now += ms;
      for (const task of pending.filter((t) => t.at <= now)) {
        pending.splice(pending.indexOf(task), 1);
        task.run();
      }
    },
  };
}

describe('Notifications', () => {
  it('shows a toast and removes it after its kind’s duration', () => {
    const clock = manualClock();
    const notifications = new Notifications(clock.schedule);
    notifications.notify('Saved', 'info');
    notifications.notify('Could not save', 'error');
    expect(notifications.toasts.value.map((toast) => toast.message)).toEqual(['Saved', 'Could not save']);
    clock.advance(TOAST_MS.info);
    expect(notifications.toasts.value.map((toast) => toast.message)).toEqual(['Could not save']);
    clock.advance(TOAST_MS.error - TOAST_MS.info);
    expect(notifications.toasts.value).toEqual([]);
  });

  it('keeps only the five newest toasts', () => {
    const notifications = new Notifications(() => undefined);
    for (let i = 1; i <= 7; i++) notifications.notify(`n${i}`);
    expect(notifications.toasts.value.map((toast) => toast.message)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
  });

  it('dismisses a toast on request', () => {
    const notifications = new Notifications(() => undefined);
    notifications.notify('a');
    notifications.notify('b');
    notifications.dismiss(notifications.toasts.value[0]?.id ?? -1);
    expect(notifications.toasts.value.map((toast) => toast.message)).toEqual(['b']);
  });
});
