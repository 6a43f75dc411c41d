import { describe, expect, it } from 'vitest';
import { type ExtraLibTarget, ProjectFeed } from './project-feed';

/** Monaco's extra-lib table: the newest text per name, with a version bumped on each change. */
function fakeTarget() {
  const libs = new Map<string, { text: string; version: number }>();
  let writes = 0;
  const target: ExtraLibTarget = {
    addExtraLib(text, name) {
      writes++;
      const version = (libs.get(name)?.version ?? 0) + 1;
      libs.set(name, { text, version });
      return { dispose: () => libs.get(name)?.version === version && libs.delete(name) };
    },
  };
  return { target, libs, writes: () => writes };
}

describe('ProjectFeed', () => {
  it('gives a worker added later every file known so far', () => {
    const feed = new ProjectFeed();
    feed.set('src/a.ts', 'a');
    const ts = fakeTarget();
    feed.addTarget(ts.target);
    feed.set('src/b.ts', 'b');
    expect([...ts.libs.keys()]).toEqual(['file:///src/a.ts', 'file:///src/b.ts']);
  });

  it('does not touch the worker when a file comes back with the same text (a save echoing)', () => {
    const feed = new ProjectFeed();
    const ts = fakeTarget();
    feed.addTarget(ts.target);
    expect(feed.set('src/a.ts', 'one')).toBe(true);
    expect(feed.set('src/a.ts', 'one')).toBe(false);
    expect(feed.set('src/a.ts', 'two')).toBe(true);
    expect(ts.writes()).toBe(2);
    expect(ts.libs.get('file:///src/a.ts')).toEqual({ text: 'two', version: 2 });
  });

  it('removes a deleted file from every worker, and everything on dispose', () => {
    const feed = new ProjectFeed();
    const ts = fakeTarget();
    const js = fakeTarget();
    feed.addTarget(ts.target);
    feed.addTarget(js.target);
    feed.set('src/a.ts', 'a');
    feed.set('src/a.ts', 'a2');
    feed.set('src/b.ts', 'b');
    expect(feed.delete('src/a.ts')).toBe(true);
    expect([...ts.libs.keys()]).toEqual(['file:///src/b.ts']);
    expect([...js.libs.keys()]).toEqual(['file:///src/b.ts']);
    feed.dispose();
    expect(ts.libs.size + js.libs.size).toBe(0);
  });
});
