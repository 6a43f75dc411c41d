import { ErrorCode, MAX_MESSAGE_BYTES } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { OutboundConnection } from './connection.js';
import { Router } from './router.js';

const ctx = { connection: new OutboundConnection(() => {}), actor: 'test' };

function router(): Router {
  const r = new Router();
  r.register({
    'engine.ping': () => ({ pong: true, time: 1 }),
    'files.read': () => {
      throw new Error('disk on fire: /home/user/secret');
    },
  });
  return r;
}

describe('router', () => {
  it('answers a valid request with its result', async () => {
    expect(await router().handleRaw('{"id":1,"method":"engine.ping"}', ctx)).toEqual({
      id: 1,
      result: { pong: true, time: 1 },
    });
  });

  it('answers non-JSON with E_BAD_REQUEST and no id', async () => {
    const answer = await router().handleRaw('{"id":1,', ctx);
    expect(answer).toMatchObject({ id: null, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it('answers an unknown method with E_NOT_FOUND keeping the id', async () => {
    const answer = await router().handleRaw('{"id":7,"method":"nope.nope"}', ctx);
    expect(answer).toMatchObject({ id: 7, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('answers a known but unregistered method with E_NOT_FOUND', async () => {
    const answer = await router().handleRaw('{"id":2,"method":"workspace.recent"}', ctx);
    expect(answer).toMatchObject({ id: 2, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('refuses params of the wrong type and unknown params', async () => {
    const r = router();
    r.register({ 'files.write': () => ({ path: 'a', size: 1, mtimeMs: 1 }) });
    const wrongType = await r.handleRaw('{"id":3,"method":"files.write","params":{"path":5,"content":"x"}}', ctx);
    expect(wrongType).toMatchObject({ id: 3, error: { code: ErrorCode.BAD_REQUEST } });
    const extra = await r.handleRaw(
      '{"id":4,"method":"files.write","params":{"path":"a","content":"x","mode":1}}',
      ctx,
    );
    expect(extra).toMatchObject({ id: 4, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it('refuses envelopes with extra keys, bad ids and __proto__ tricks', async () => {
    const r = router();
    for (const raw of [
      '{"id":1,"method":"engine.ping","extra":1}',
      '{"id":-1,"method":"engine.ping"}',
      '{"id":{"a":1},"method":"engine.ping"}',
      '{"__proto__":{"method":"engine.ping"},"id":1}',
      '[]',
      'null',
      '"engine.ping"',
    ]) {
      const answer = await r.handleRaw(raw, ctx);
      expect(answer, raw).toHaveProperty('error.code', ErrorCode.BAD_REQUEST);
    }
  });

  it('answers a message over 16 MiB with E_TOO_LARGE before parsing it', async () => {
    const raw = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    expect(await router().handleRaw(raw, ctx)).toMatchObject({ error: { code: ErrorCode.TOO_LARGE } });
  });

  it('answers an oversize request with its own id, so the caller hears the refusal instead of waiting', async () => {
    const content = 'x'.repeat(MAX_MESSAGE_BYTES);
    const numeric = JSON.stringify({ id: 41, method: 'files.write', params: { path: 'a', content } });
    const named = JSON.stringify({ id: 'save-7', method: 'files.write', params: { path: 'a', content } });
    expect(await router().handleRaw(numeric, ctx)).toMatchObject({ id: 41, error: { code: ErrorCode.TOO_LARGE } });
    expect(await router().handleRaw(Buffer.from(named), ctx)).toMatchObject({
      id: 'save-7',
      error: { code: ErrorCode.TOO_LARGE },
    });
  });

  it('turns an unexpected exception into E_INTERNAL without leaking its message', async () => {
    const answer = await router().handleRaw('{"id":9,"method":"files.read","params":{"path":"a"}}', ctx);
    expect(answer).toMatchObject({ id: 9, error: { code: ErrorCode.INTERNAL } });
    expect(JSON.stringify(answer)).not.toContain('secret');
  });

  it('refuses to register a method twice', () => {
    expect(() => router().register({ 'engine.ping': () => ({ pong: true, time: 2 }) })).toThrow(/twice/);
  });
});
