// When and how the editor asks for a suggestion (ai.infill): the cache first (the same place, or typed-through: the
// user typed the start of a suggestion, the rest is served without a request), then the adaptive debounce (no
// request while the user types faster than their rhythm), then one stream at a time — a newer keystroke or request
// cancels the one in flight, which stops the engine's generation. A file the engine refuses for .aiignore is not
// asked about again until .aiignore changes.
import { type EngineClient, ErrorCode, type InfillChunk, type InfillResult, PaError, type RouteInfo } from '@pa/shared';
import { AdaptiveDebounce, CompletionCache, type DebounceOptions } from '@pa/shared/completion/index';
import { shownSuggestion } from './suggestion';

export interface SuggestQuery {
  path: string;
  language: string;
  prefix: string;
  suffix: string;
  multiline: boolean;
  context: InfillChunk[];
}

export type SuggestOutcome =
  | { kind: 'shown'; text: string; source: 'cache' | 'model'; result?: InfillResult }
  /** Nothing to show: cancelled, superseded, the model wrote nothing (after trimming), or a failure. */
  | { kind: 'none'; reason: 'cancelled' | 'empty' | 'excluded' | 'no-model' | 'failed'; message?: string };

export interface RequesterEvents {
  /** A completion was answered (its route: who answered, with which model). */
  onRoute?(route: RouteInfo): void;
  /** No provider serves completions (E_UNAVAILABLE / E_NOT_FOUND), or one does again. */
  onModelAvailable?(available: boolean): void;
  /** The engine refused `path` for .aiignore. */
  onExcluded?(path: string): void;
}

export interface RequesterOptions {
  debounce(): DebounceOptions;
  events?: RequesterEvents;
  now?(): number;
  /** Largest suggestion asked for, in tokens. */
  maxTokens?: number;
}

let nextRequest = 0;

export class CompletionRequester {
  readonly cache = new CompletionCache(64);
  private debounce: AdaptiveDebounce | null = null;
  private debounceKey = '';
  private lastKeystroke = Number.NEGATIVE_INFINITY;
  private inFlight: AbortController | null = null;
  private readonly excluded = new Set<string>();
  /** ai.infill requests sent (the status item and tests read it). */
  requests = 0;

  constructor(
    private readonly client: Pick<EngineClient, 'stream'>,
    private readonly options: RequesterOptions,
  ) {}

  /** A keystroke in an editor: its rhythm sets the delay, and the request in flight is now stale. */
  keystroke(): void {
    const now = this.now();
    this.lastKeystroke = now;
    this.currentDebounce().keystroke(now);
    this.cancel();
  }

  /** The delay a request waits after the last keystroke now. */
  delay(): number {
    return this.currentDebounce().delay();
  }

  /** `path` is excluded (the editor's copy of .aiignore says so): it is not asked about. */
  markExcluded(path: string): void {
    if (this.excluded.has(path)) return;
    this.excluded.add(path);
    this.options.events?.onExcluded?.(path);
  }

  isExcluded(path: string): boolean {
    return this.excluded.has(path);
  }

  /** .aiignore changed (or the folder did): every file may be asked about again; cached suggestions go. */
  resetExclusions(): void {
    this.excluded.clear();
    this.cache.clear();
  }

  /** Stops the request in flight (its stream is cancelled, so the engine frees the model at once). */
  cancel(): void {
    this.inFlight?.abort();
    this.inFlight = null;
  }

  /**
   * The suggestion for `query`, or why there is none. `signal`: Monaco's cancellation (the cursor moved on);
   * `immediate`: asked explicitly (no debounce).
   */
  async suggest(query: SuggestQuery, signal: AbortSignal, immediate = false): Promise<SuggestOutcome> {
    if (this.excluded.has(query.path)) return { kind: 'none', reason: 'excluded' };
    const cached = this.cache.lookup(query);
    if (cached !== null) return { kind: 'shown', text: cached, source: 'cache' };
    this.cancel();
    const own = new AbortController();
    this.inFlight = own;
    const abort = () => own.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      if (!immediate) {
        const wait = this.delay() - (this.now() - this.lastKeystroke);
        if (wait > 0 && !(await sleep(wait, own.signal))) return { kind: 'none', reason: 'cancelled' };
      }
      if (own.signal.aborted) return { kind: 'none', reason: 'cancelled' };
      this.requests += 1;
      const stream = this.client.stream(
        'ai.infill',
        {
          requestId: `c${++nextRequest}`,
          prefix: query.prefix,
          suffix: query.suffix,
          path: query.path,
          language: query.language,
          context: query.context,
          multiline: query.multiline,
          maxTokens: this.options.maxTokens ?? (query.multiline ? 128 : 48),
        },
        { signal: own.signal },
      );
      // the deltas are the raw suggestion as it streams; what is shown is the result's final text
      for await (const _ of stream) if (own.signal.aborted) break;
      const result = await stream.result;
      this.options.events?.onModelAvailable?.(true);
      this.options.events?.onRoute?.(result.route);
      const text = shownSuggestion(result.text, query.prefix, query.suffix, query.multiline);
      if (!text) return { kind: 'none', reason: 'empty' };
      this.cache.put(query, text);
      return { kind: 'shown', text, source: 'model', result };
    } catch (error) {
      return this.failure(query, error, own.signal.aborted);
    } finally {
      signal.removeEventListener('abort', abort);
      if (this.inFlight === own) this.inFlight = null;
    }
  }

  private failure(query: SuggestQuery, error: unknown, aborted: boolean): SuggestOutcome {
    const code = error instanceof PaError ? error.code : null;
    if (aborted || code === ErrorCode.CANCELLED) return { kind: 'none', reason: 'cancelled' };
    if (code === ErrorCode.FORBIDDEN) {
      this.markExcluded(query.path);
      return { kind: 'none', reason: 'excluded' };
    }
    if (code === ErrorCode.UNAVAILABLE || code === ErrorCode.NOT_FOUND) {
      this.options.events?.onModelAvailable?.(false);
      return { kind: 'none', reason: 'no-model', message: (error as PaError).message };
    }
    return { kind: 'none', reason: 'failed', message: error instanceof Error ? error.message : String(error) };
  }

  private currentDebounce(): AdaptiveDebounce {
    const options = this.options.debounce();
    const key = `${options.minMs}:${options.maxMs}`;
    if (!this.debounce || key !== this.debounceKey) {
      this.debounceKey = key;
      this.debounce = new AdaptiveDebounce({ ...options, initialMs: clamp(200, options.minMs, options.maxMs) });
    }
    return this.debounce;
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

/** Resolves true after `ms`, false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}
