// Starts bench/support/baseline-server.mjs in its own process and gives a minimal JSON request client for it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export interface BaselineServer {
  /** The server's address, for a bench that opens sockets of its own. */
  url: string;
  request(message: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

export async function startBaselineServer(): Promise<BaselineServer> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'baseline-server.mjs');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line')) as [string];
  const url = `ws://127.0.0.1:${Number(line)}`;
  const socket = new WebSocket(url);
  await once(socket, 'open');
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id: number };
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return {
    url,
    request: (message) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, ...message }));
      }),
    close: () => {
      socket.close();
      child.kill();
    },
  };
}

/** The figure each of `count` sequential runs measured itself (a time to first token, a rate…), in order. */
export async function sampleSequential(run: () => Promise<number>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await run());
  return samples;
}

/** Wall time of each of `count` sequential calls, in ms. */
export function timeSequential(call: () => Promise<unknown>, count: number): Promise<number[]> {
  return sampleSequential(async () => {
    const start = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - start) / 1e6;
  }, count);
}

/**
 * `rounds` rounds of the measured side and its baseline, swapping which goes first each round so neither benefits
 * from a warmer CPU; `onRound` sees each round's pair (for progress lines).
 */
export async function alternateRounds<T>(
  rounds: number,
  measured: () => Promise<T>,
  baseline: () => Promise<T>,
  onRound?: (measured: T, baseline: T, round: number) => void,
): Promise<Array<{ measured: T; baseline: T }>> {
  const results: Array<{ measured: T; baseline: T }> = [];
  for (let round = 0; round < rounds; round++) {
    let pair: { measured: T; baseline: T };
    if (round % 2 === 0) {
      const first = await measured();
      pair = { measured: first, baseline: await baseline() };
    } else {
      const first = await baseline();
      pair = { measured: await measured(), baseline: first };
    }
    results.push(pair);
    onRound?.(pair.measured, pair.baseline, round);
  }
  return results;
}
