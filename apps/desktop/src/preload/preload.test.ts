// preload.ts wired to a stand-in for Electron's renderer modules: it exposes exactly one object, asks main for an
// engine port, attaches the port it gets, and lets only known menu commands through to the page.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  sent: [] as unknown[][],
  listeners: new Map<string, (event: { ports: unknown[] }, ...args: unknown[]) => void>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    on: (channel: string, listener: (event: { ports: unknown[] }, ...args: unknown[]) => void) =>
      electron.listeners.set(channel, listener),
    send: (...args: unknown[]) => electron.sent.push(args),
    invoke: async () => '/picked/folder',
  },
}));

const page = new EventTarget();
(globalThis as { window?: EventTarget }).window = page;

await import('./preload.js');
const { CONNECT_ENGINE, ENGINE_PORT, MENU_COMMAND, PAGE_COMMAND_EVENT } = await import('../channels.js');
const pa = electron.exposed.get('pa') as import('@pa/shared').PaBridge;

describe('the preload, wired', () => {
  it('exposes one object, window.pa, and asks main for an engine port', () => {
    expect([...electron.exposed.keys()]).toEqual(['pa']);
    expect(electron.sent).toEqual([[CONNECT_ENGINE]]);
    expect(typeof pa.call).toBe('function');
  });

  it('attaches the port main sends and answers calls over it', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (raw: string) => {
      const { id } = JSON.parse(raw) as { id: number };
      port2.postMessage(JSON.stringify({ id, result: { pong: true, time: 7 } }));
    });
    electron.listeners.get(ENGINE_PORT)?.({ ports: [port1] }, { restarted: false });
    await expect(pa.call('engine.ping')).resolves.toEqual({ pong: true, time: 7 });
    port1.close();
  });

  it('asks main for the folder picker', async () => {
    await expect(pa.pickFolder()).resolves.toBe('/picked/folder');
  });

  it('passes known menu commands to the page as a DOM event, and drops anything else', () => {
    const seen: unknown[] = [];
    page.addEventListener(PAGE_COMMAND_EVENT, (event) => seen.push((event as CustomEvent).detail));
    const menu = electron.listeners.get(MENU_COMMAND);
    menu?.({ ports: [] }, 'workbench.save');
    menu?.({ ports: [] }, 'workbench.runArbitraryThing');
    menu?.({ ports: [] }, { toString: () => 'workbench.save' });
    expect(seen).toEqual(['workbench.save']);
  });
});
