import { describe, expect, it } from 'vitest';
import { overMessageLimit, RpcClient, type Transport } from './client.js';
import { ErrorCode } from './errors.js';
import type { Disposable } from './lifecycle.js';
import { MAX_MESSAGE_BYTES } from './rpc.js';

/** A transport whose far end the test plays: it sees what was sent and answers with raw frames. */
function loopTransport() {
  const sent: string[] = [];
  let deliver: (data: string) => void = () => {};
  const transport: Transport = {
    send: (data) => sent.push(data),
    onMessage(listener): Disposable {
      deliver = listener;
      return { dispose: () => {} };
    },
    onClose: () => ({ dispose: () => {} }),
    close: () => {},
  };
  return { transport, sent, answer: (frame: unknown) => deliver(JSON.stringify(frame)) };
}

describe('RpcClient', () => {
  it('refuses a request over the message limit at once instead of sending it', async () => {
    const { transport, sent } = loopTransport();
    const client = new RpcClient(transport);
    const call = client.call('files.write', { path: 'big.txt', content: 'x'.repeat(MAX_MESSAGE_BYTES) });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.TOO_LARGE });
    expect(sent).toEqual([]);
  });

  it('gives an answer without an id to the one call waiting', async () => {
    const { transport, answer } = loopTransport();
    const client = new RpcClient(transport);
    const call = client.call('engine.ping');
    answer({ id: null, error: { code: ErrorCode.TOO_LARGE, message: 'Message exceeds the limit.' } });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.TOO_LARGE });
  });

  it('leaves several waiting calls to their own answers when one comes without an id', async () => {
    const { transport, sent, answer } = loopTransport();
    const client = new RpcClient(transport);
    const first = client.call('engine.ping');
    const second = client.call('engine.ping');
    answer({ id: null, error: { code: ErrorCode.BAD_REQUEST, message: 'Message is not valid JSON.' } });
    const ids = sent.map((frame) => (JSON.parse(frame) as { id: number }).id);
    answer({ id: ids[1], error: { code: ErrorCode.CANCELLED, message: 'second' } });
    answer({ id: ids[0], error: { code: ErrorCode.TIMEOUT, message: 'first' } });
    await expect(second).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    await expect(first).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
  });

  it('counts a frame in UTF-8 bytes, as the engine does', () => {
    const quarter = MAX_MESSAGE_BYTES / 4;
    expect(overMessageLimit('é'.repeat(MAX_MESSAGE_BYTES / 2))).toBe(false);
    expect(overMessageLimit('é'.repeat(MAX_MESSAGE_BYTES / 2 + 1))).toBe(true);
    expect(overMessageLimit('😀'.repeat(quarter))).toBe(false);
    expect(overMessageLimit(`${'😀'.repeat(quarter)}a`)).toBe(true);
  });
});
