// Runs one provider stream under two deadlines — time to first token, and the longest silence between tokens
// once streaming — so a stream that goes quiet is a failure at its deadline, whatever the provider does. While a
// tool the model called runs, the clock is stopped: the provider's silence is measured, not the tool's.
import { isAbortError, type ToolUse } from '@pa/shared';
import {
  classifyFailure,
  type FinishReason,
  type ModelProvider,
  ProviderFailure,
  type ProviderRequest,
} from './providers/provider.js';

export interface AttemptDeadlines {
  ttftMs: number;
  idleMs: number;
}

export interface AttemptOutcome {
  text: string;
  /** ms from the attempt's start to its first token. */
  ttftMs: number;
  tokensIn: number | null;
  tokensOut: number;
  toolCalls: ToolUse[];
  /** Why the model stopped, as the provider said (the last round's, through a tool loop); absent: it did not say. */
  finishReason?: FinishReason;
}

/** Thrown when the caller cancelled (not the provider's fault). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

/** A failed attempt: why, and whether any token had already reached the caller (then no fallback is allowed). */
export class AttemptFailed extends Error {
  constructor(
    readonly failure: ProviderFailure,
    readonly afterFirstToken: boolean,
    readonly elapsedMs: number,
  ) {
    super(failure.message);
    this.name = 'AttemptFailed';
  }
}

/** Streams `provider`'s answer into `onToken`. Throws AttemptFailed or Cancelled. */
export async function runAttempt(
  provider: ModelProvider,
  request: ProviderRequest,
  deadlines: AttemptDeadlines,
  outer: AbortSignal,
  onToken: (text: string) => void,
  now: () => number = performance.now.bind(performance),
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const start = now();
  let ttftMs = -1;
  let text = '';
  let tokensOut = 0;
  const toolCalls: ToolUse[] = [];
  let usage: { tokensIn: number; tokensOut: number } | null = null;
  let finishReason: FinishReason | undefined;
  let expired: 'ttft-timeout' | 'idle-timeout' | null = null;
  let wakeOnAbort: (() => void) | null = null;
  const aborted = new Promise<'aborted'>((resolve) => {
    wakeOnAbort = () => resolve('aborted');
  });
  const abort = () => {
    controller.abort();
    wakeOnAbort?.();
  };
  const onOuterAbort = () => abort();
  if (outer.aborted) throw new Cancelled();
  outer.addEventListener('abort', onOuterAbort, { once: true });
  let timer = setTimeout(() => {
    expired = 'ttft-timeout';
    abort();
  }, deadlines.ttftMs);
  const idleTimer = () =>
    setTimeout(() => {
      expired = 'idle-timeout';
      abort();
    }, deadlines.idleMs);

  const iterator = provider.stream(request, controller.signal)[Symbol.asyncIterator]();
  try {
    for (;;) {
      // Racing the abort means a provider that ignores its signal still cannot hold the request past a deadline.
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') break;
      if (next.done) break;
      const chunk = next.value;
      if ('usage' in chunk) {
        usage = chunk.usage;
        continue;
      }
      if ('finish' in chunk) {
        finishReason = chunk.finish;
        continue;
      }
      if ('toolCall' in chunk) {
        // The model's first output may be a tool call; from then on there is no fallback (the tool may act).
        if (ttftMs < 0) ttftMs = now() - start;
        clearTimeout(timer);
        continue;
      }
      if ('toolUse' in chunk) {
        toolCalls.push(chunk.toolUse);
        clearTimeout(timer);
        timer = idleTimer();
        continue;
      }
      if (!chunk.text) continue;
      if (ttftMs < 0) {
        ttftMs = now() - start;
        clearTimeout(timer);
        timer = idleTimer();
      } else {
        timer.refresh();
      }
      text += chunk.text;
      tokensOut += 1;
      onToken(chunk.text);
    }
  } catch (error) {
    if (!expired && outer.aborted) throw new Cancelled();
    if (!expired) {
      const failure = isAbortError(error)
        ? new ProviderFailure('network', 'aborted the stream')
        : classifyFailure(error);
      throw new AttemptFailed(failure, ttftMs >= 0, now() - start);
    }
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuterAbort);
    if (controller.signal.aborted) void iterator.return?.().catch(() => undefined);
  }
  if (expired) {
    const failure = new ProviderFailure(
      expired,
      expired === 'ttft-timeout'
        ? `sent no first token within ${deadlines.ttftMs} ms`
        : `went silent for ${deadlines.idleMs} ms mid-answer`,
    );
    throw new AttemptFailed(failure, ttftMs >= 0, now() - start);
  }
  if (outer.aborted) throw new Cancelled();
  // A stream that ends cleanly with no text is an empty answer, not a failure.
  if (ttftMs < 0) ttftMs = now() - start;
  return {
    text,
    ttftMs,
    tokensIn: usage?.tokensIn ?? null,
    tokensOut: usage?.tokensOut ?? tokensOut,
    toolCalls,
    ...(finishReason ? { finishReason } : {}),
  };
}
