// A capability whose modules (and the packages they pull in: yaml for workflows, Yjs for collab) load on the
// first call into its namespace rather than at engine start, so a cold start pays only for what the first request
// needs. The engine also loads it once start-up has settled, so its start-up work (a workflow sweep of runs a
// crashed engine left) still happens soon after start when nobody calls it.
import { ErrorCode, isStreamMethod, type MethodName, methods, PaError, type StreamMethodName } from '@pa/shared';
import type { Capability } from './context.js';
import type { CallContext, Handler, PartialHandlers, StreamContext, StreamHandler } from './rpc/handlers.js';

export interface LazyCapability {
  /** Handlers for every method of the namespace; each loads the capability first. */
  readonly handlers: PartialHandlers;
  /** Loads it now (idempotent); resolves when it is ready. */
  load(): Promise<Capability>;
  dispose(): Promise<void>;
}

/** `namespace`: the method prefix the capability owns ('workflow' → 'workflow.list', 'workflow.run', …). */
export function lazyCapability(namespace: string, create: () => Promise<Capability>): LazyCapability {
  let loading: Promise<Capability> | null = null;
  let disposed = false;
  const load = (): Promise<Capability> => {
    if (disposed) return Promise.reject(new PaError(ErrorCode.UNAVAILABLE, 'The engine is shutting down.'));
    if (!loading) {
      const attempt = create();
      loading = attempt;
      // a failed creation is not remembered: the next call tries again (a full disk, a file locked for a moment)
      attempt.catch(() => {
        if (loading === attempt) loading = null;
      });
    }
    return loading;
  };
  const handlerOf = async <M extends MethodName>(method: M) => {
    const handler = (await load()).handlers[method];
    if (!handler) throw new PaError(ErrorCode.NOT_FOUND, `Method "${method}" is not available in this engine.`);
    return handler;
  };

  const handlers: Record<string, unknown> = {};
  for (const method of Object.keys(methods) as MethodName[]) {
    if (!method.startsWith(`${namespace}.`)) continue;
    if (isStreamMethod(method)) {
      const stream = async function* (params: unknown, ctx: StreamContext) {
        const handler = (await handlerOf(method)) as StreamHandler<StreamMethodName>;
        return yield* await handler(params as never, ctx);
      };
      handlers[method] = stream;
    } else {
      handlers[method] = async (params: unknown, ctx: CallContext) => {
        const handler = (await handlerOf(method)) as Handler<never>;
        return handler(params as never, ctx);
      };
    }
  }

  return {
    handlers: handlers as PartialHandlers,
    load,
    async dispose() {
      disposed = true;
      const capability = await loading?.catch(() => null);
      await capability?.dispose?.();
    },
  };
}
