// The development engine runtime: the BUILT engine on plain Node as a child process, with Electron main relaying
// a window's MessagePort over the child-process channel (engine-runtime.ts forkNode). Electron itself is stood in
// for by a port object shaped like MessagePortMain; the engine and the relay are real.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { engineMain } from '../../scripts/paths.js';

vi.mock('electron', () => ({ utilityProcess: { fork: () => undefined } }));

const { forkEngine } = await import('../../apps/desktop/src/main/engine-runtime.js');

/** MessagePortMain's shape: 'message' events carry {data}, postMessage sends to the renderer. */
class PortMainStandIn extends EventEmitter {
  readonly toRenderer: unknown[] = [];
  started = false;
  closed = false;
  postMessage(message: unknown) {
    this.toRenderer.push(message);
  }
  start() {
    this.started = true;
  }
  close() {
    this.closed = true;
  }
  fromRenderer(frame: string) {
    this.emit('message', { data: frame, ports: [] });
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'pa-desktop-child-'));
const child = forkEngine({ kind: 'node', nodePath: process.execPath }, engineMain, {
  ...process.env,
  PA_DATA_DIR: dataDir,
});

afterAll(async () => {
  const exited = new Promise<void>((resolve) => child.onceExit(() => resolve()));
  child.kill();
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the development engine runtime', () => {
  it('starts the engine on Node and says when it is ready', async () => {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve),
    );
    expect(JSON.parse(line)).toMatchObject({ ready: true });
  });

  it('relays a window port to the engine and the answers back', async () => {
    const port = new PortMainStandIn();
    child.attachPort(port as never);
    expect(port.started).toBe(true);
    port.fromRenderer(JSON.stringify({ id: 1, method: 'engine.info' }));
    await vi.waitFor(() => expect(port.toRenderer).toHaveLength(1));
    expect(JSON.parse(port.toRenderer[0] as string)).toMatchObject({ id: 1, result: { transport: 'port' } });
  });

  it('moves the relay to the newest port (a reloaded window) and closes the old one', async () => {
    const old = new PortMainStandIn();
    child.attachPort(old as never);
    const fresh = new PortMainStandIn();
    child.attachPort(fresh as never);
    expect(old.closed).toBe(true);
    fresh.fromRenderer(JSON.stringify({ id: 2, method: 'engine.ping' }));
    await vi.waitFor(() => expect(fresh.toRenderer).toHaveLength(1));
    expect(old.toRenderer).toEqual([]);
  });
});
