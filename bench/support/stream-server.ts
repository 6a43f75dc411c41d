// Child of stream_throughput: the engine's real WebSocket transport and connection loop (attachWebSocketTransport
// over a Router) with a bench-owned `ai.complete` handler, so the figures are the stream plumbing's, not the AI
// router's. The prompt says what to produce: "events:N" yields N tokens from an async generator as fast as it is
// pulled, "turns:N" one per event-loop turn (as tokens come off a network), "idle" nothing until cancelled. Prints {"port","token"} once listening; over IPC, {"type":"heap"} is answered with the
// heap after a full collection and the number of producers running now.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AiAnswer } from '@pa/shared';
import { ConnectionSet } from '../../apps/engine/src/rpc/connection.js';
import type { StreamContext } from '../../apps/engine/src/rpc/handlers.js';
import { Router } from '../../apps/engine/src/rpc/router.js';
import { attachWebSocketTransport } from '../../apps/engine/src/rpc/ws-transport.js';

const TOKEN_TEXT = 'word';

const answer: AiAnswer = {
  text: '',
  route: { providerId: 'bench', model: 'bench', reasons: [], fallbacks: [] },
  ttftMs: 0,
  totalMs: 0,
  tokensIn: 0,
  tokensOut: 0,
};

let running = 0;

async function* produce(prompt: string, ctx: StreamContext): AsyncGenerator<{ text: string }, AiAnswer, undefined> {
  running += 1;
  try {
    if (prompt === 'idle') {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return answer;
    }
    const [kind, count = '0'] = prompt.split(':');
    const total = Number(count);
    for (let i = 0; i < total; i++) {
      yield { text: TOKEN_TEXT };
      if (kind === 'turns') await new Promise(setImmediate);
    }
    return { ...answer, tokensOut: total };
  } finally {
    running -= 1;
  }
}

const router = new Router();
router.register({ 'ai.complete': (params, ctx) => produce(params.prompt, ctx) });
const token = randomBytes(16).toString('hex');
const server = createServer();
attachWebSocketTransport({ server, router, connections: new ConnectionSet(), token });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, token })}\n`);
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'heap') return;
  gc();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed, running });
});
process.on('disconnect', () => process.exit(0));
