// The desktop path without Electron: the BUILT engine runs in port mode (as under utilityProcess.fork) and the
// preload's window.pa bridge talks to it over MessagePorts. Only Electron is stood in for: a worker thread plays
// the utility process, with `process.parentPort` shaped like Electron's (events {data, ports}).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeHost } from '../../apps/desktop/src/preload/bridge.js';
import type { MessagePortLike } from '../../apps/desktop/src/preload/port-transport.js';
import { engineMain } from '../../scripts/paths.js';
import { nextAnswer } from '../support/next-answer.js';

/** Electron's utility-process side: process.parentPort delivering MessagePortMain-shaped ports. */
const UTILITY_PROCESS_SHIM = `
const { parentPort, workerData } = require('node:worker_threads');
const { EventEmitter } = require('node:events');
const asPortMain = (port) => ({
  on(event, listener) {
    if (event === 'message') port.on('message', (data) => listener({ data, ports: [] }));
    else port.on(event, listener);
    return this;
  },
  postMessage: (message) => port.postMessage(message),
  start: () => port.start(),
  close: () => port.close(),
});
const electronParentPort = new EventEmitter();
parentPort.on('message', ({ data, ports }) => electronParentPort.emit('message', { data, ports: ports.map(asPortMain) }));
process.parentPort = electronParentPort;
import(workerData.engineMain);
`;

let engine: Worker;
let dataDir: string;
let workspace: string;
const ports: MessagePort[] = [];

/** What main does per window: a new channel, one end to the engine, the other to the preload. */
function connectWindow() {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  engine.postMessage({ data: { type: 'connect' }, ports: [port2] }, [port2]);
  const host = createBridgeHost({ platform: 'linux', pickFolder: async () => null, pickTextFile: async () => null });
  // Node's MessagePort is an EventTarget delivering MessageEvents, like the DOM one the preload gets.
  host.attach(port1 as unknown as MessagePortLike);
  return { bridge: host.bridge, rawPort: port1 };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pa-desktop-data-'));
  workspace = mkdtempSync(join(tmpdir(), 'pa-desktop-ws-'));
  writeFileSync(join(workspace, 'hello.txt'), 'hello from disk\n');
  engine = new Worker(UTILITY_PROCESS_SHIM, {
    eval: true,
    workerData: { engineMain },
    env: { ...process.env, PA_DATA_DIR: dataDir },
    stdout: true,
    stderr: true,
  });
  let stderr = '';
  engine.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: engine.stdout }).on('line', (line) => {
      if (line.startsWith('{') && (JSON.parse(line) as { ready?: boolean }).ready) resolve();
    });
    engine.once('exit', (code) => reject(new Error(`engine exited with ${code} before it was ready:\n${stderr}`)));
    engine.once('error', reject);
  });
});

afterAll(async () => {
  for (const port of ports) port.close();
  await engine?.terminate();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

describe('the engine in port mode, as the desktop app runs it', () => {
  it('answers the preload bridge over a MessagePort and says it is on the port transport', async () => {
    const { bridge } = connectWindow();
    await expect(bridge.call('engine.info')).resolves.toMatchObject({ transport: 'port' });
  });

  it('opens a workspace and reads a file for the window', async () => {
    const { bridge } = connectWindow();
    await expect(bridge.call('workspace.open', { path: workspace })).resolves.toMatchObject({ root: workspace });
    await expect(bridge.call('files.read', { path: 'hello.txt' })).resolves.toMatchObject({
      content: 'hello from disk\n',
    });
  });

  it('serves each window on its own port, and a typed error reaches the page with its code', async () => {
    const first = connectWindow();
    const second = connectWindow();
    const error: unknown = await first.bridge.call('files.read', { path: '../outside.txt' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaError', code: 'E_BAD_REQUEST' });
    await expect(second.bridge.call('engine.ping')).resolves.toMatchObject({ pong: true });
  });

  it('answers garbage on the port with an error frame and keeps serving', async () => {
    const { bridge, rawPort } = connectWindow();
    const answer = nextAnswer(rawPort).then((text) => JSON.parse(text) as unknown);
    rawPort.postMessage('{not json');
    expect(await answer).toMatchObject({ error: { code: 'E_BAD_REQUEST' } });
    await expect(bridge.call('engine.ping')).resolves.toMatchObject({ pong: true });
  });
});
