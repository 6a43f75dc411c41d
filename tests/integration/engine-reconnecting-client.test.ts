// The browser page's way in, against the real engine over its real socket: the shared ReconnectingClient with the
// page's connection attempt (socket-source.ts: the token as the first message). Queued calls go out once the
// engine accepts the token, and settle with E_UNAVAILABLE when it refuses it or the client is disposed.
import { ErrorCode, PaError, ReconnectingClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEngineSocket, tokenRefused } from '../../packages/ui/src/client/socket-source.js';
import { type StartedEngine, startEngine } from '../support/engine.js';

let engine: StartedEngine;

beforeAll(async () => {
  engine = await startEngine();
});

afterAll(async () => {
  await engine?.stop();
});

/** The page's client, with `ws` for the browser's WebSocket (same event API) and real timers. */
function pageClient(token: string) {
  let attempts = 0;
  const client = new ReconnectingClient({
    connect: (attempt) => {
      attempts += 1;
      openEngineSocket(attempt, new WebSocket(engine.url) as unknown as globalThis.WebSocket, token);
    },
    retryDelay: (_attempt, error) => (tokenRefused(error) ? null : 50),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  });
  return { client, attempts: () => attempts };
}

async function rejection(promise: Promise<unknown>): Promise<PaError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PaError);
  return error as PaError;
}

describe('the page client against the real engine', () => {
  it('sends a call made while connecting once the engine accepted the token', async () => {
    const { client } = pageClient(engine.token);
    const pong = client.call('engine.ping');
    await expect(pong).resolves.toMatchObject({ pong: true });
    expect(client.state).toBe('connected');
    client.dispose();
  });

  it('rejects a queued call with E_UNAVAILABLE when the engine refuses the token, and does not retry', async () => {
    const { client, attempts } = pageClient('not-the-token');
    const error = await rejection(client.call('engine.ping'));
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
    expect(error.message).toMatch(/refused this page's access token/);
    expect(client.state).toBe('disconnected');
    expect(attempts()).toBe(1);
    client.dispose();
  });

  it('rejects a queued call with E_UNAVAILABLE when disposed before the engine answered', async () => {
    const { client } = pageClient(engine.token);
    const queued = client.call('engine.ping');
    client.dispose();
    expect((await rejection(queued)).code).toBe(ErrorCode.UNAVAILABLE);
  });
});
