import { describe, expect, it } from 'vitest';
import { RunQueue } from './queue.js';

/** A run that starts when the queue lets it and ends when the test says so. */
function run(log: string[], id: string) {
  let end: () => void = () => {};
  const start = () => {
    log.push(id);
    return new Promise<void>((resolve) => {
      end = resolve;
    });
  };
  return { start, end: () => end() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RunQueue', () => {
  it('starts waiting runs when the limit is raised, and lets running ones end when it is lowered', async () => {
    const log: string[] = [];
    const queue = new RunQueue(1);
    const [a, b, c] = [run(log, 'a'), run(log, 'b'), run(log, 'c')];
    queue.enqueue('a', a.start);
    queue.enqueue('b', b.start);
    queue.enqueue('c', c.start);
    expect(log).toEqual(['a']);
    queue.setLimit(2);
    expect(log).toEqual(['a', 'b']);
    queue.setLimit(1);
    a.end();
    await tick();
    expect(log).toEqual(['a', 'b']); // b still runs: one at a time now
    b.end();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('starts nothing while the limit is read again, and a waiting run can still be withdrawn meanwhile', async () => {
    const log: string[] = [];
    const queue = new RunQueue(2);
    let answer: (limit: number) => void = () => {};
    const read = new Promise<number>((resolve) => {
      answer = resolve;
    }).then((limit) => queue.setLimit(limit));
    queue.holdUntil(read);
    queue.enqueue('a', run(log, 'a').start);
    queue.enqueue('b', run(log, 'b').start);
    queue.enqueue('c', run(log, 'c').start);
    expect(log).toEqual([]);
    expect(queue.withdraw('b')).toBe(true);
    answer(1);
    await tick();
    expect(log).toEqual(['a']);
  });

  it('goes on with the old limit when reading the new one fails', async () => {
    const log: string[] = [];
    const queue = new RunQueue(1);
    queue.holdUntil(Promise.reject(new Error('settings unreadable')));
    queue.enqueue('a', run(log, 'a').start);
    await tick();
    expect(log).toEqual(['a']);
  });
});
