import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { cssString, cursorCss } from './cursor-styles';
import { type PresenceClock, participantsOf, startPresence } from './presence';

/** A clock whose intervals run when the test advances time. */
function manualClock() {
  let now = 0;
  const timers: Array<{ callback: () => void; every: number; next: number }> = [];
  const clock: PresenceClock = {
    now: () => now,
    setInterval: (callback, every) => {
      const timer = { callback, every, next: now + every };
      timers.push(timer);
      return timer;
    },
    clearInterval: (handle) => void timers.splice(timers.indexOf(handle as (typeof timers)[number]), 1),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = timers.reduce<(typeof timers)[number] | null>((a, t) => (a && a.next <= t.next ? a : t), null);
      if (!next || next.next > end) break;
      now = next.next;
      next.next += next.every;
      next.callback();
    }
    now = end;
  };
  return { clock, advance };
}

function pair() {
  const a = new Awareness(new Y.Doc());
  const b = new Awareness(new Y.Doc());
  // a → b only while `linked`, like a network that can fail
  let linked = true;
  a.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    if (linked) applyAwarenessUpdate(b, encodeAwarenessUpdate(a, [...added, ...updated, ...removed]), 'net');
  });
  return { a, b, cut: () => (linked = false) };
}

describe('presence', () => {
  it('drops a peer that stopped renewing its state within 2 s, and keeps one that renews', () => {
    const { a, b, cut } = pair();
    const { clock, advance } = manualClock();
    const stopA = startPresence(a, clock);
    const stopB = startPresence(b, clock);
    a.setLocalState({ user: { name: 'Ada', color: '#e06c75' } });
    b.setLocalState({ user: { name: 'Bob', color: '#61afef' } });
    advance(5_000);
    expect(participantsOf(b).map((p) => p.name)).toEqual(['Bob', 'Ada']);
    cut();
    advance(2_000);
    expect(participantsOf(b).map((p) => p.name)).toEqual(['Bob']);
    stopA();
    stopB();
  });

  it('colours and labels every remote cursor, never our own', () => {
    const css = cursorCss([
      { clientId: 1, name: 'me', color: '#111111', self: true, file: null },
      { clientId: 7, name: 'Ada', color: '#e06c75', self: false, file: 'a.ts' },
    ]);
    expect(css).toContain('.yRemoteSelectionHead-7::after { content: "Ada"; background: #e06c75; }');
    expect(css).not.toContain('-1 ');
  });

  it('leaves the names off, keeping the colours, when cursor labels are turned off', () => {
    const peers = [{ clientId: 7, name: 'Ada', color: '#e06c75', self: false, file: 'a.ts' }];
    const css = cursorCss(peers, { labels: false });
    expect(css).toContain('.yRemoteSelectionHead-7 { border-left: 2px solid #e06c75; }');
    expect(css).not.toContain('Ada');
    expect(css).not.toContain('::after');
  });

  it('escapes names so a peer cannot inject CSS', () => {
    const css = cssString('x"; } body { display: none; } .a { content: "');
    expect(css).not.toMatch(/"[^"]*"[^"]/);
    expect(css.startsWith('"') && css.endsWith('"')).toBe(true);
    expect(cursorCss([{ clientId: 2, name: 'a', color: 'red;}', self: false, file: null }])).toContain('#888888');
  });
});
