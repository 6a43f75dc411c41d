// EngineProcess against a stand-in for Electron (the binary cannot run here): a fake utility process whose
// stdout and exit the test drives, and fake web contents that record what main sends them.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeUtilityProcess extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: unknown[][] = [];
  killed = false;
  postMessage(message: unknown, transfer: unknown[] = []) {
    this.received.push([message, transfer]);
  }
  kill() {
    this.killed = true;
    return true;
  }
  /** Prints the engine's ready line and resolves once main has read it. */
  async becomeReady() {
    this.stdout.write(`${JSON.stringify({ ready: true, pid: 1 })}\n`);
    await vi.waitFor(() => expect(this.stdout.readableLength).toBe(0));
    await new Promise((resolve) => setImmediate(resolve));
  }
  crash(code = 1) {
    this.emit('exit', code);
  }
}

const forked: FakeUtilityProcess[] = [];

vi.mock('electron', () => {
  class MessageChannelMain {
    readonly port1 = { name: 'renderer-end' };
    readonly port2 = { name: 'engine-end' };
  }
  return {
    MessageChannelMain,
    utilityProcess: {
      fork: () => {
        const child = new FakeUtilityProcess();
        forked.push(child);
        return child;
      },
    },
  };
});

const { EngineProcess } = await import('./engine-process.js');
const { ENGINE_EXITED, ENGINE_PORT } = await import('../channels.js');

function fakeContents() {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    destroyed: false,
    posted: [] as unknown[][],
    sent: [] as unknown[][],
    isDestroyed() {
      return this.destroyed;
    },
    postMessage(channel: string, message: unknown, transfer: unknown[] = []) {
      this.posted.push([channel, message, transfer]);
    },
    send(channel: string, ...args: unknown[]) {
      this.sent.push([channel, ...args]);
    },
  });
}

function start(onDidGiveUp = (_stderr: string) => {}) {
  const engine = new EngineProcess({
    entry: '/app/engine/main.js',
    runtime: { kind: 'utility' },
    env: {},
    log: () => {},
    onDidGiveUp,
  });
  engine.start();
  const child = forked.at(-1);
  if (!child) throw new Error('nothing was forked');
  return { engine, child };
}

beforeEach(() => {
  forked.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EngineProcess', () => {
  it('hands a window its port only once the engine says it is ready', async () => {
    const { child, engine } = start();
    const contents = fakeContents();
    engine.connect(contents as never);
    expect(contents.posted).toEqual([]);
    await child.becomeReady();
    expect(contents.posted).toEqual([[ENGINE_PORT, { restarted: false }, [{ name: 'renderer-end' }]]]);
    expect(child.received).toEqual([[{ type: 'connect' }, [{ name: 'engine-end' }]]]);
  });

  it('gives a reloaded window a fresh port', async () => {
    const { child, engine } = start();
    await child.becomeReady();
    const contents = fakeContents();
    engine.connect(contents as never);
    engine.connect(contents as never);
    expect(contents.posted).toHaveLength(2);
    expect(child.received).toHaveLength(2);
  });

  it('tells windows when the engine dies, restarts it, and reconnects them', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const { child, engine } = start();
    await child.becomeReady();
    const contents = fakeContents();
    engine.connect(contents as never);
    child.crash(3);
    expect(contents.sent).toEqual([[ENGINE_EXITED, 3]]);
    expect(forked).toHaveLength(1);
    vi.runAllTimers();
    expect(forked).toHaveLength(2);
    await forked[1]?.becomeReady();
    expect(contents.posted.at(-1)).toEqual([ENGINE_PORT, { restarted: true }, [{ name: 'renderer-end' }]]);
  });

  it('stops restarting an engine that keeps crashing, and reports its last words', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const gaveUp: string[] = [];
    start((stderr) => gaveUp.push(stderr));
    for (let round = 0; round < 10 && gaveUp.length === 0; round++) {
      const child = forked.at(-1);
      child?.stderr.write(`boom ${round}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      child?.crash();
      vi.runAllTimers();
    }
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/boom \d/);
    expect(forked.length).toBeLessThanOrEqual(7);
  });

  it('does not restart an engine it stopped on purpose', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const { child, engine } = start();
    engine.stop();
    expect(child.killed).toBe(true);
    child.crash(0);
    vi.runAllTimers();
    expect(forked).toHaveLength(1);
  });
});
