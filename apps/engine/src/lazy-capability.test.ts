import { ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { Capability } from './context.js';
import { lazyCapability } from './lazy-capability.js';
import type { CallContext, PartialHandlers, StreamContext } from './rpc/handlers.js';

const call: CallContext = { actor: 'test', connection: { id: 1, emit: () => {}, onDidClose: () => () => {} } };
const stream: StreamContext = { ...call, signal: new AbortController().signal };

/** A stand-in workflow capability that counts its creations and disposals. */
function counted(handlers: PartialHandlers) {
  const counts = { created: 0, disposed: 0 };
  const create = async (): Promise<Capability> => {
    counts.created++;
    return { handlers, dispose: () => void counts.disposed++ };
  };
  return { counts, create };
}

type Invoke = (params: unknown, ctx: unknown) => unknown;
const handler = (handlers: PartialHandlers, method: keyof PartialHandlers) => handlers[method] as unknown as Invoke;

describe('lazyCapability', () => {
  it('creates the capability on the first call into its namespace, once, and answers through it', async () => {
    const { counts, create } = counted({
      'workflow.list': () => ({ workflows: [] }),
      'workflow.active': () => ({ runs: [] }),
    });
    const lazy = lazyCapability('workflow', create);
    expect(Object.keys(lazy.handlers)).toContain('workflow.run.get');
    expect(Object.keys(lazy.handlers).every((method) => method.startsWith('workflow.'))).toBe(true);
    expect(counts.created).toBe(0);
    const [list, active] = await Promise.all([
      handler(lazy.handlers, 'workflow.list')(undefined, call),
      handler(lazy.handlers, 'workflow.active')(undefined, call),
    ]);
    expect(list).toEqual({ workflows: [] });
    expect(active).toEqual({ runs: [] });
    expect(counts.created).toBe(1);
  });

  it('streams through a stream method, ending with its result', async () => {
    const { create } = counted({
      'workflow.attach': async function* () {
        yield 'first';
        yield 'second';
        return 'the end';
      } as unknown as PartialHandlers['workflow.attach'],
    });
    const lazy = lazyCapability('workflow', create);
    const source = handler(lazy.handlers, 'workflow.attach')({ runId: 'r' }, stream) as AsyncGenerator<string, string>;
    const items: string[] = [];
    let next = await source.next();
    while (!next.done) {
      items.push(next.value);
      next = await source.next();
    }
    expect(items).toEqual(['first', 'second']);
    expect(next.value).toBe('the end');
  });

  it('answers E_NOT_FOUND for a method of its namespace the capability does not implement', async () => {
    const lazy = lazyCapability('workflow', counted({}).create);
    const refusal = await Promise.resolve(handler(lazy.handlers, 'workflow.list')(undefined, call)).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(PaError);
    expect((refusal as PaError).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('tries again on the next call when creating the capability failed', async () => {
    let attempts = 0;
    const lazy = lazyCapability('workflow', async () => {
      attempts++;
      if (attempts === 1) throw new Error('disk full');
      return { handlers: { 'workflow.list': () => ({ workflows: [] }) } };
    });
    const list = handler(lazy.handlers, 'workflow.list');
    await expect(Promise.resolve(list(undefined, call))).rejects.toThrow('disk full');
    await expect(Promise.resolve(list(undefined, call))).resolves.toEqual({ workflows: [] });
    expect(attempts).toBe(2);
  });

  it('disposes the capability once loaded, never creates one at disposal, and refuses to load afterwards', async () => {
    const never = counted({});
    await lazyCapability('collab', never.create).dispose();
    expect(never.counts).toEqual({ created: 0, disposed: 0 });

    const loaded = counted({ 'collab.state': () => ({ session: null }) });
    const lazy = lazyCapability('collab', loaded.create);
    await lazy.load();
    await lazy.dispose();
    expect(loaded.counts).toEqual({ created: 1, disposed: 1 });
    await expect(lazy.load()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
  });
});
