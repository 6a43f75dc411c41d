// What left the machine: each request the engine hands to a network provider (every chat round, tool rounds
// included, and every completion), exactly as handed to it — the messages, the tools offered and the tool rounds so
// far; a completion's prefix, suffix, path, language and context chunks with their paths — kept in the database so
// the user can read what a remote model was sent (`ai.sent.list` / `ai.sent.get`, `pa models sent`). In-process (local)
// models are not recorded: nothing of theirs leaves. Bounded: the newest MAX_ROWS requests; a payload over
// MAX_PAYLOAD_CHARS is kept cut, and marked so. The provider's own wire format (headers, the API key) is not the
// record: the key never is, and the rest is the provider SDK's packaging of this payload. A completion to a native FIM
// endpoint is recorded before the provider clips it to its window (remote-infill.ts): what left is part of the record.
// Each record also lists the workspace files and chunks the request carried (`sources`: what the agent's tools read,
// the @-mentions, a completion's file and context chunks), as their producers put them on the request; bounded.
import {
  MAX_SENT_SOURCES,
  type ProviderConfig,
  type SentRequest,
  type SentRequestSummary,
  type SentSource,
} from '@pa/shared';
import type { Store } from '../store/index.js';
import type { InfillRequest, ModelProvider, ProviderRequest } from './providers/provider.js';

export const SENT_MIGRATION = `CREATE TABLE ai_sent (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    model TEXT NOT NULL,
    endpoint TEXT,
    kind TEXT NOT NULL,
    chars INTEGER NOT NULL,
    truncated INTEGER NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX ai_sent_at ON ai_sent (at);`;

/** A later migration of `ai`: the files and chunks each request carried (JSON: {sources, cut}); NULL before it. */
export const SENT_SOURCES_MIGRATION = 'ALTER TABLE ai_sent ADD COLUMN sources TEXT';

/** Requests kept; older ones are dropped as new ones come. */
export const MAX_ROWS = 2_000;
/** A payload longer than this is kept cut (a chat with whole files attached). */
export const MAX_PAYLOAD_CHARS = 512 * 1024;

export interface SentLog {
  record(entry: {
    providerId: string;
    model: string;
    endpoint: string | null;
    kind: 'chat' | 'completion';
    payload: unknown;
    /** The workspace files and chunks it carried (kept to MAX_SENT_SOURCES, merged by path and lines). */
    sources?: readonly SentSource[];
  }): void;
  list(limit: number, before?: number): SentRequestSummary[];
  get(id: number): SentRequest | null;
  clear(): number;
}

interface Row {
  id: number;
  at: number;
  provider_id: string;
  model: string;
  endpoint: string | null;
  kind: 'chat' | 'completion';
  chars: number;
  truncated: number;
  sources: string | null;
}

/**
 * The sources as a record keeps them: the same path and lines once (their bytes counted once: a round resends what
 * earlier rounds carried), in the order first carried, at most MAX_SENT_SOURCES (`cut` when there were more).
 */
export function boundedSources(sources: readonly SentSource[]): { sources: SentSource[]; cut: boolean } {
  const seen = new Map<string, SentSource>();
  let cut = false;
  for (const source of sources) {
    const key = `${source.path}\u0000${source.startLine ?? ''}\u0000${source.endLine ?? ''}`;
    const known = seen.get(key);
    if (known) {
      known.bytes = Math.max(known.bytes, source.bytes);
      continue;
    }
    if (seen.size >= MAX_SENT_SOURCES) {
      cut = true;
      continue;
    }
    seen.set(key, {
      path: source.path.slice(0, 4096),
      ...(source.startLine !== undefined ? { startLine: source.startLine } : {}),
      ...(source.endLine !== undefined ? { endLine: source.endLine } : {}),
      bytes: source.bytes,
    });
  }
  return { sources: [...seen.values()], cut };
}

function sourcesOf(column: string | null): { sources: SentSource[]; cut: boolean } {
  if (!column) return { sources: [], cut: false };
  try {
    const parsed = JSON.parse(column) as { sources?: SentSource[]; cut?: boolean };
    return { sources: Array.isArray(parsed.sources) ? parsed.sources : [], cut: parsed.cut === true };
  } catch {
    return { sources: [], cut: false };
  }
}

export function createSentLog(store: Store, clock: () => number): SentLog {
  const insert = store.db.prepare(
    'INSERT INTO ai_sent (at, provider_id, model, endpoint, kind, chars, truncated, payload, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const prune = store.db.prepare('DELETE FROM ai_sent WHERE id <= ?');
  const columns = 'id, at, provider_id, model, endpoint, kind, chars, truncated, sources';
  const newest = store.db.prepare<[number], Row>(`SELECT ${columns} FROM ai_sent ORDER BY id DESC LIMIT ?`);
  const older = store.db.prepare<[number, number], Row>(
    `SELECT ${columns} FROM ai_sent WHERE id < ? ORDER BY id DESC LIMIT ?`,
  );
  const one = store.db.prepare<[number], Row & { payload: string }>(
    `SELECT ${columns}, payload FROM ai_sent WHERE id = ?`,
  );
  const summary = (row: Row): SentRequestSummary => {
    const { sources, cut } = sourcesOf(row.sources);
    return {
      id: row.id,
      at: row.at,
      providerId: row.provider_id,
      model: row.model,
      endpoint: row.endpoint,
      kind: row.kind,
      chars: row.chars,
      truncated: row.truncated === 1,
      sources,
      sourcesCut: cut,
    };
  };
  return {
    record({ providerId, model, endpoint, kind, payload, sources }) {
      const text = JSON.stringify(payload, null, 2);
      const truncated = text.length > MAX_PAYLOAD_CHARS;
      const kept = truncated ? text.slice(0, MAX_PAYLOAD_CHARS) : text;
      const { lastInsertRowid } = insert.run(
        clock(),
        providerId,
        model,
        endpoint,
        kind,
        text.length,
        truncated ? 1 : 0,
        kept,
        sources && sources.length > 0 ? JSON.stringify(boundedSources(sources)) : null,
      );
      const id = Number(lastInsertRowid);
      if (id > MAX_ROWS && id % 100 === 0) prune.run(id - MAX_ROWS);
    },
    list(limit, before) {
      const rows = before === undefined ? newest.all(limit) : older.all(before, limit);
      return rows.map(summary);
    },
    get(id) {
      const row = one.get(id);
      return row ? { ...summary(row), payload: row.payload } : null;
    },
    clear() {
      return store.db.prepare('DELETE FROM ai_sent').run().changes;
    },
  };
}

/** What a chat round hands the provider (the record's payload). */
function chatPayload(request: ProviderRequest): unknown {
  return {
    messages: request.messages,
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}),
    ...(request.toolRounds ? { toolRounds: request.toolRounds } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

function infillPayload(request: InfillRequest): unknown {
  return {
    ...(request.path !== undefined ? { path: request.path } : {}),
    ...(request.language !== undefined ? { language: request.language } : {}),
    prefix: request.prefix,
    suffix: request.suffix,
    context: request.context,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
  };
}

/** What a completion carries of the workspace: the file it completes (prefix and suffix) and its context chunks. */
export function infillSources(request: InfillRequest): SentSource[] {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const sources: SentSource[] = [];
  if (request.path !== undefined) {
    sources.push({ path: request.path, bytes: bytes(request.prefix) + bytes(request.suffix) });
  }
  for (const chunk of request.context) {
    if (chunk.path !== undefined) sources.push({ path: chunk.path, bytes: bytes(chunk.text) });
  }
  return sources;
}

/** Whether a provider's requests leave the process (every kind but the in-process llama.cpp model). */
export function sendsOverNetwork(config: ProviderConfig): boolean {
  return config.kind !== 'local';
}

/**
 * The provider with each request recorded as it is handed over (before the provider sends it: what is attempted has
 * left, whether or not an answer comes). A local provider is returned as it is.
 */
export function recordingProvider(provider: ModelProvider, log: SentLog): ModelProvider {
  const config = provider.config;
  if (!sendsOverNetwork(config)) return provider;
  const entry = (kind: 'chat' | 'completion', payload: unknown, sources: readonly SentSource[] | undefined) => ({
    providerId: config.id,
    model: config.model,
    endpoint: config.baseURL ?? null,
    kind,
    payload,
    ...(sources && sources.length > 0 ? { sources } : {}),
  });
  const infill = provider.infill;
  const wrapped: ModelProvider = {
    config,
    ...(provider.supportsTools !== undefined ? { supportsTools: provider.supportsTools } : {}),
    stream(request, signal) {
      const { sources, ...sent } = request;
      log.record(entry('chat', chatPayload(sent), sources));
      return provider.stream(sent, signal);
    },
    health: (signal) => provider.health(signal),
    ...(provider.dispose ? { dispose: () => (provider.dispose as () => Promise<void>)() } : {}),
    ...(infill
      ? {
          infill: (request: InfillRequest, signal: AbortSignal) => {
            log.record(entry('completion', infillPayload(request), infillSources(request)));
            return infill.call(provider, request, signal);
          },
        }
      : {}),
  };
  return wrapped;
}
