import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { STREAM_WINDOW } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridgeHost } from './bridge.js';
import type { MessagePortLike } from './port-transport.js';

/** The engine's side of a port, speaking the real wire format: answers engine.ping, fails everything else. */
function fakeEngine(port: MessagePort, time: number) {
  port.on('message', (raw: string) => {
    const request = JSON.parse(raw) as { id: number; method: string };
    if (request.method === 'engine.ping')
      port.postMessage(JSON.stringify({ id: request.id, result: { pong: true, time } }));
    else if (request.method === 'workspace.current')
      return; // never answers: an in-flight call
    else
      port.postMessage(JSON.stringify({ id: request.id, error: { code: 'E_NOT_FOUND', message: 'No such thing.' } }));
  });
  return {
    emit: (event: string, data: unknown) => port.postMessage(JSON.stringify({ event, data })),
  };
}

const natives = {
  platform: 'linux',
  pickFolder: async () => '/home/me/project',
  pickTextFile: async () => null,
};

const open: MessagePort[] = [];
function channel() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  // Node's MessagePort is an EventTarget delivering MessageEvents, like the DOM's; only its typings differ.
  return { page: port1 as unknown as MessagePortLike, engine: port2 };
}
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

describe('the window.pa bridge', () => {
  it('holds calls made before the first port arrives and answers them once it does', async () => {
    const host = createBridgeHost(natives);
    const answer = host.bridge.call('engine.ping');
    const { page, engine } = channel();
    fakeEngine(engine, 1);
    host.attach(page);
    await expect(answer).resolves.toEqual({ pong: true, time: 1 });
  });

  it('rejects with a plain object carrying the error code, since contextBridge drops Error properties', async () => {
    const host = createBridgeHost(natives);
    const { page, engine } = channel();
    fakeEngine(engine, 1);
    host.attach(page);
    const error: unknown = await host.bridge.call('engine.info').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaError', code: 'E_NOT_FOUND', message: 'No such thing.' });
    expect(Object.getPrototypeOf(error)).toBe(Object.prototype);
    expect(String(error)).toBe('No such thing.');
  });

  it('delivers events to listeners and stops after dispose', async () => {
    const host = createBridgeHost(natives);
    const { page, engine } = channel();
    const fake = fakeEngine(engine, 1);
    host.attach(page);
    const seen: unknown[] = [];
    const subscription = host.bridge.on('workspace.changed', (data) => seen.push(data));
    fake.emit('workspace.changed', { workspace: { root: '/a', name: 'a' } });
    await host.bridge.call('engine.ping'); // the ping's answer follows the event on the same port
    subscription.dispose();
    fake.emit('workspace.changed', { workspace: null });
    await host.bridge.call('engine.ping');
    expect(seen).toEqual([{ workspace: { root: '/a', name: 'a' } }]);
  });

  it('survives an engine restart: in-flight calls fail, onClose hears why, listeners move over, onDidConnect fires', async () => {
    const host = createBridgeHost(natives);
    const first = channel();
    fakeEngine(first.engine, 1);
    host.attach(first.page);
    const reasons: string[] = [];
    host.bridge.onClose((reason) => reasons.push(reason));
    let reconnects = 0;
    host.bridge.onDidConnect(() => {
      reconnects += 1;
    });
    const seen: unknown[] = [];
    host.bridge.on('workspace.changed', (data) => seen.push(data));
    const inFlight = host.bridge.call('workspace.current').catch((e: unknown) => e);

    host.detach('the engine stopped');
    expect(await inFlight).toMatchObject({ code: 'E_UNAVAILABLE' });
    expect(reasons).toEqual(['the engine stopped']);
    await expect(host.bridge.call('engine.ping')).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });

    const second = channel();
    const fake = fakeEngine(second.engine, 2);
    host.attach(second.page);
    fake.emit('workspace.changed', { workspace: null });
    await expect(host.bridge.call('engine.ping')).resolves.toEqual({ pong: true, time: 2 });
    expect(seen).toEqual([{ workspace: null }]);
    expect(reconnects).toBe(1);
  });

  it('exposes only plain functions and values, which is what contextBridge can pass', async () => {
    const { bridge } = createBridgeHost(natives);
    expect(Object.getPrototypeOf(bridge)).toBe(Object.prototype);
    for (const value of Object.values(bridge)) expect(['function', 'string']).toContain(typeof value);
    expect(bridge.platform).toBe('linux');
    await expect(bridge.pickFolder()).resolves.toBe('/home/me/project');
  });
});

describe('streams through the window.pa bridge', () => {
  const chat = { messages: [{ role: 'user' as const, content: 'hi' }], task: 'chat' as const, tools: false };
  const answer = {
    text: 'hello',
    route: { providerId: 'p', model: 'm', reasons: [], fallbacks: [] },
    ttftMs: 1,
    totalMs: 2,
    tokensIn: 1,
    tokensOut: 2,
  };

  /** The engine's side of a port that records every frame the preload sends and lets the test answer. */
  function recordingEngine(port: MessagePort) {
    const frames: Array<{ id: number; method?: string; credit?: number; cancel?: boolean }> = [];
    let heard: () => void = () => {};
    port.on('message', (raw: string) => {
      frames.push(JSON.parse(raw));
      heard();
    });
    return {
      frames,
      send: (message: unknown) => port.postMessage(JSON.stringify(message)),
      /** Resolves once a frame matching `test` has arrived. */
      until: (test: (frame: (typeof frames)[number]) => boolean) =>
        new Promise<(typeof frames)[number]>((resolve) => {
          const check = () => {
            const found = frames.find(test);
            if (found) resolve(found);
          };
          heard = check;
          check();
        }),
    };
  }

  function connected() {
    const host = createBridgeHost(natives);
    const { page, engine } = channel();
    const fake = recordingEngine(engine);
    host.attach(page);
    return { bridge: host.bridge, fake };
  }

  it('is a plain pull object whose steps are the items and then the result', async () => {
    const { bridge, fake } = connected();
    const stream = bridge.stream('ai.chat', chat);
    expect(Object.getPrototypeOf(stream)).toBe(Object.prototype);
    const request = await fake.until((frame) => frame.method === 'ai.chat');
    fake.send({ id: request.id, items: [{ text: 'hel' }, { text: 'lo' }] });
    fake.send({ id: request.id, result: answer });
    expect(await stream.next()).toEqual({ done: false, value: { text: 'hel' } });
    expect(await stream.next()).toEqual({ done: false, value: { text: 'lo' } });
    expect(await stream.next()).toMatchObject({ done: true, value: { text: 'hello' } });
  });

  it('reads from the engine only as the page pulls: credit is granted for the items the page took', async () => {
    const { bridge, fake } = connected();
    const stream = bridge.stream('ai.chat', chat);
    const request = await fake.until((frame) => frame.method === 'ai.chat');
    const window = Array.from({ length: STREAM_WINDOW }, (_, i) => ({ text: String(i) }));
    fake.send({ id: request.id, items: window });
    for (let i = 0; i < STREAM_WINDOW / 2 - 1; i++) await stream.next();
    void bridge.call('engine.ping').catch(() => {}); // sent after any credit frame: once it arrives, so had they
    await fake.until((frame) => frame.method === 'engine.ping');
    expect(fake.frames.filter((frame) => frame.credit !== undefined)).toEqual([]);
    await stream.next();
    const credit = await fake.until((frame) => frame.credit !== undefined);
    expect(credit).toEqual({ id: request.id, credit: STREAM_WINDOW / 2 });
  });

  it('cancel() tells the engine to stop the stream', async () => {
    const { bridge, fake } = connected();
    const stream = bridge.stream('ai.chat', chat);
    const request = await fake.until((frame) => frame.method === 'ai.chat');
    stream.cancel();
    await expect(fake.until((frame) => frame.cancel === true)).resolves.toEqual({ id: request.id, cancel: true });
  });

  it("rejects next() with a plain object carrying the stream's error code", async () => {
    const { bridge, fake } = connected();
    const stream = bridge.stream('ai.chat', chat);
    const request = await fake.until((frame) => frame.method === 'ai.chat');
    fake.send({ id: request.id, error: { code: 'E_QUOTA', message: 'The monthly quota is used up.' } });
    const error: unknown = await stream.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaError', code: 'E_QUOTA', message: 'The monthly quota is used up.' });
    expect(Object.getPrototypeOf(error)).toBe(Object.prototype);
  });

  it('fails a stream open across an engine restart with E_UNAVAILABLE', async () => {
    const host = createBridgeHost(natives);
    const first = channel();
    const fake = recordingEngine(first.engine);
    host.attach(first.page);
    const stream = host.bridge.stream('ai.chat', chat);
    await fake.until((frame) => frame.method === 'ai.chat');
    host.detach('the engine stopped');
    await expect(stream.next()).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
  });
});
