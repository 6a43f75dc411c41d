import { describe, expect, it } from 'vitest';
import { SerialByKey } from './serial';

/** A job that finishes when the test says so, recording when it started. */
function controllable(log: string[], name: string) {
  let finish: (fail?: boolean) => void = () => undefined;
  const job = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = (fail) => (fail ? reject(new Error(name)) : resolve(name));
    });
  return { job, finish: (fail?: boolean) => finish(fail) };
}

describe('SerialByKey', () => {
  it('starts a job for a key only after the previous job for that key has finished', async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    const first = controllable(log, 'first');
    const second = controllable(log, 'second');
    const firstDone = serial.run('a.ts', first.job);
    const secondDone = serial.run('a.ts', second.job);
    await Promise.resolve();
    expect(log).toEqual(['start first']);
    first.finish();
    await expect(firstDone).resolves.toBe('first');
    await expect.poll(() => log).toEqual(['start first', 'start second']);
    second.finish();
    await expect(secondDone).resolves.toBe('second');
  });

  it('runs the next job after a failed one, and the failure reaches only its own caller', async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    const failing = controllable(log, 'failing');
    const failed = serial.run('a.ts', failing.job);
    const next = serial.run('a.ts', async () => 'next');
    await expect.poll(() => log).toEqual(['start failing']);
    failing.finish(true);
    await expect(failed).rejects.toThrow('failing');
    await expect(next).resolves.toBe('next');
  });

  it('does not make different keys wait for each other', async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    const slow = controllable(log, 'slow');
    const slowDone = serial.run('a.ts', slow.job);
    await expect(serial.run('b.ts', async () => 'other file')).resolves.toBe('other file');
    await expect.poll(() => log).toEqual(['start slow']);
    slow.finish();
    await expect(slowDone).resolves.toBe('slow');
  });
});
