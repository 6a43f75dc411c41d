// Idle y-webrtc peers for the relay connection benches (relay_connections, relay_cluster_connections): a separate
// client process holds N WebSocket connections to `/signal` (spread round-robin over the relays given, each
// subscribed to one of 2,000 rooms), and on command times `ping` → `pong` round trips on random connections — one per
// ms, latency under a steady trickle rather than a burst's queueing. This file is both the parent's handle
// (startIdleSignalClients) and, forked, the client process.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { percentile, progress } from './report.js';

type ToClients = { open: number } | { ping: number } | { exit: true };
type Opened = { opened: number; failed: number };
type Pinged = { latencies: number[]; open: number };

const ROOMS = 2000;

export interface IdleSignalClients {
  /** Opens connections until `total` are open (in batches of 100; stops after 100 failures). */
  open(total: number): Promise<Opened>;
  /** `rounds` rounds of `pings` pings each: each round's p99 (ms), logged as `label`. */
  measure(label: string, rounds: number, pings: number): Promise<number[]>;
  exit(): void;
}

export function startIdleSignalClients(urls: readonly string[], token: string): IdleSignalClients {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, RELAY_BENCH_ROLE: 'clients', RELAY_BENCH_URLS: urls.join(','), RELAY_BENCH_TOKEN: token },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(message: ToClients) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });
  return {
    open: (total) => ask<Opened>({ open: total }),
    async measure(label, rounds, pings) {
      const p99s: number[] = [];
      for (let r = 0; r < rounds; r += 1) {
        const { latencies } = await ask<Pinged>({ ping: pings });
        p99s.push(percentile(latencies, 99));
        progress(
          `${label} round ${r + 1}: ${latencies.length} pongs, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
        );
      }
      return p99s;
    },
    exit: () => child.send({ exit: true }),
  };
}

// --- the client process: holds the connections, answers the parent's commands -------------------------------
if (process.env.RELAY_BENCH_ROLE === 'clients') {
  const urls = (process.env.RELAY_BENCH_URLS as string).split(',');
  const token = process.env.RELAY_BENCH_TOKEN as string;
  const sockets: WebSocket[] = [];
  const waiting = new Map<WebSocket, number>();
  let pongs: number[] = [];
  const send = (message: Opened | Pinged) => process.send?.(message);
  const openOne = (index: number) =>
    new Promise<boolean>((resolve) => {
      const url = urls[index % urls.length] as string;
      const socket = new WebSocket(`${url}/signal?token=${token}`, { perMessageDeflate: false });
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'subscribe', topics: [`room-${index % ROOMS}`] }));
        sockets.push(socket);
        resolve(true);
      });
      socket.on('message', (data) => {
        const started = waiting.get(socket);
        if (started !== undefined && String(data) === '{"type":"pong"}') {
          waiting.delete(socket);
          pongs.push(performance.now() - started);
        }
      });
      socket.on('error', () => resolve(false));
    });
  process.on('message', async (message: ToClients) => {
    if ('open' in message) {
      let failed = 0;
      let next = sockets.length;
      while (sockets.length < message.open) {
        const batch = Math.min(100, message.open - sockets.length);
        const results = await Promise.all(Array.from({ length: batch }, () => openOne(next++)));
        failed += results.filter((ok) => !ok).length;
        if (failed > 100) break;
      }
      send({ opened: sockets.length, failed });
    } else if ('ping' in message) {
      pongs = [];
      for (let i = 0; i < message.ping; i += 1) {
        const socket = sockets[Math.floor(Math.random() * sockets.length)] as WebSocket;
        if (waiting.has(socket)) continue;
        waiting.set(socket, performance.now());
        socket.send('{"type":"ping"}');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const deadline = Date.now() + 10_000;
      while (waiting.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      send({ latencies: pongs, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length });
    } else {
      for (const socket of sockets) socket.terminate();
      process.exit(0);
    }
  });
}
