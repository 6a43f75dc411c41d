// The local model: node-llama-cpp over a GGUF file. The model is loaded once and kept warm; one context holds
// `maxConcurrency` sequences and requests beyond that queue for a free one instead of failing. The chat template
// comes from the model's metadata (node-llama-cpp resolves the chat wrapper).
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { ProviderConfig } from '@pa/shared';
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { type ModelProvider, type ProviderChunk, ProviderFailure, type ProviderRequest } from './provider.js';

let llamaOnce: Promise<Llama> | null = null;

/** One llama.cpp runtime per process; the GPU backend (CUDA, Vulkan, Metal) is picked automatically. */
export function sharedLlama(): Promise<Llama> {
  // node-llama-cpp is loaded on first use: it is the heaviest import of the engine (~200 ms)
  llamaOnce ??= import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) =>
    getLlama({ gpu: 'auto', logLevel: LlamaLogLevel.error }),
  );
  return llamaOnce;
}

/** On CPU, llama.cpp's default thread count oversubscribes small machines; use every core, no more. */
export function cpuThreads(llama: Llama): number | undefined {
  return llama.gpu === false ? availableParallelism() : undefined;
}

/** Why `path` cannot be a local model file (missing, a folder, relative), or null when it is a readable file. */
export function modelFileProblem(path: string): string | null {
  if (!isAbsolute(path)) return `The model file path "${path}" is not absolute; give the full path of the GGUF file.`;
  try {
    if (statSync(path).isFile()) return null;
    return `The model file ${path} is not a file; give the path of a GGUF file.`;
  } catch {
    return `The model file ${path} does not exist; download the GGUF file there or give the path where it is.`;
  }
}

interface Warm {
  model: LlamaModel;
  context: LlamaContext;
  free: LlamaContextSequence[];
  waiting: Array<(sequence: LlamaContextSequence) => void>;
}

export function createLocalProvider(config: ProviderConfig): ModelProvider {
  let warm: Promise<Warm> | null = null;

  const load = (): Promise<Warm> => {
    warm ??= (async () => {
      if (!config.modelPath) throw new ProviderFailure('unavailable', 'has no GGUF file set (modelPath)');
      // llama.cpp's own error for a missing file names neither the file nor the cause
      const problem = modelFileProblem(config.modelPath);
      if (problem) throw new ProviderFailure('unavailable', problem);
      const llama = await sharedLlama();
      const model = await llama.loadModel({ modelPath: config.modelPath });
      const threads = cpuThreads(llama);
      const context = await model.createContext({
        sequences: config.maxConcurrency,
        contextSize: { max: 4096 },
        ...(threads ? { threads } : {}),
      });
      const free: LlamaContextSequence[] = [];
      for (let i = 0; i < config.maxConcurrency; i++) free.push(context.getSequence());
      return { model, context, free, waiting: [] };
    })();
    warm.catch(() => {
      warm = null;
    });
    return warm;
  };

  const acquire = (pool: Warm, signal: AbortSignal): Promise<LlamaContextSequence> => {
    const sequence = pool.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve, reject) => {
      const waiter = (next: LlamaContextSequence) => {
        signal.removeEventListener('abort', onAbort);
        resolve(next);
      };
      const onAbort = () => {
        pool.waiting.splice(pool.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pool.waiting.push(waiter);
    });
  };

  const release = async (pool: Warm, sequence: LlamaContextSequence): Promise<void> => {
    await sequence.clearHistory();
    const next = pool.waiting.shift();
    if (next) next(sequence);
    else pool.free.push(sequence);
  };

  return {
    config,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const { LlamaChatSession } = await import('node-llama-cpp'); // loaded already by load(); before acquire so a failure cannot leak a sequence
      const pool = await load();
      const sequence = await acquire(pool, signal);
      const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
      const chunks = new ChunkQueue();
      try {
        const { history, prompt } = toHistory(request);
        session.setChatHistory(history);
        const done = session
          .prompt(prompt, {
            signal,
            maxTokens: request.maxTokens ?? 512,
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            onTextChunk: (text) => chunks.push(text),
          })
          .then(
            () => chunks.end(),
            (error: unknown) => chunks.end(error),
          );
        for await (const text of chunks) yield { text };
        await done;
      } finally {
        session.dispose({ disposeSequence: false });
        await release(pool, sequence);
      }
    },
    async health() {
      await load();
    },
    async dispose() {
      const pool = await warm?.catch(() => null);
      await pool?.context.dispose();
      await pool?.model.dispose();
    },
  };
}

function toHistory(request: ProviderRequest): { history: ChatHistoryItem[]; prompt: string } {
  const turns = [...request.messages];
  const last = turns.at(-1);
  const prompt = last?.role === 'user' ? (turns.pop()?.content ?? '') : '';
  const history: ChatHistoryItem[] = turns.map((turn) =>
    turn.role === 'assistant' ? { type: 'model', response: [turn.content] } : { type: turn.role, text: turn.content },
  );
  return { history, prompt };
}

/** Turns node-llama-cpp's text callback into an async iterable (the router consumes every provider that way). */
class ChunkQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private finished = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;

  push(text: string): void {
    this.items.push(text);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.finished = true;
    this.failure = error ?? null;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.finished) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
}
