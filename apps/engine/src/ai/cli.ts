// `pa models list|add|remove|test ID|stats|sent`: the model providers of this data dir, driven through the same RPC
// handlers the UI uses (validated params and results, same errors), on an in-process engine.
import { readFileSync } from 'node:fs';
import { ErrorCode, ModelClass, PaError, type ParamsIn, ProviderKind, type SentSource, TaskType } from '@pa/shared';
import type { Command } from 'commander';
import { type LocalEngine, withLocalEngine } from '../cli/local-engine.js';

function withEngine<T>(use: (local: LocalEngine) => Promise<T>): Promise<T> {
  return withLocalEngine({ actor: 'cli' }, use);
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

function oneOf<T extends string>(schema: { options: readonly T[] }, value: string, flag: string): T {
  if (!(schema.options as readonly string[]).includes(value)) {
    throw new PaError(ErrorCode.BAD_REQUEST, `${flag} must be one of ${schema.options.join(', ')}, not "${value}".`);
  }
  return value as T;
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new PaError(ErrorCode.BAD_REQUEST, `${flag} must be a number, not "${value}".`);
  return parsed;
}

interface AddOptions {
  kind: string;
  model: string;
  class: string;
  baseUrl?: string;
  modelPath?: string;
  apiKeyEnv?: string;
  apiKeyStdin?: boolean;
  maxConcurrency?: string;
  cost?: string;
  priority?: string;
  tasks?: string;
  ttftMs?: string;
  idleMs?: string;
}

export function registerAiCommands(program: Command): void {
  const models = program.command('models').description('model providers: list, add, remove, test, stats, sent');

  models
    .command('list')
    .description('list the configured model providers')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { providers } = await withEngine((local) => local.call('ai.providers.list'));
      if (options.json) return print(JSON.stringify(providers, null, 2));
      if (providers.length === 0) return print('No model providers yet; add one with `pa models add`.');
      for (const p of providers) {
        const where = p.kind === 'local' ? p.modelPath : (p.baseURL ?? 'default endpoint');
        const flags = [p.enabled ? '' : 'disabled', p.licensed ? '' : 'not licensed', p.hasApiKey ? 'key set' : '']
          .filter(Boolean)
          .join(', ');
        print(`${p.id.padEnd(16)} ${p.kind.padEnd(18)} ${p.modelClass.padEnd(16)} ${p.model}  ${where}  ${flags}`);
      }
    });

  models
    .command('add')
    .description('add (or replace) a model provider; the API key goes to the keychain, never to the settings file')
    .argument('<id>', 'provider id, e.g. kimi, claude, local')
    .requiredOption('--kind <kind>', `one of ${ProviderKind.options.join(', ')}`)
    .requiredOption('--model <name>', 'model name sent to the endpoint (a label for local)')
    .requiredOption('--class <class>', `licence model class: ${ModelClass.options.join(', ')}`)
    .option('--base-url <url>', 'endpoint root, e.g. https://api.moonshot.ai/v1')
    .option('--model-path <file>', 'GGUF file (kind local)')
    .option('--api-key-env <name>', 'read the API key from this environment variable')
    .option('--api-key-stdin', 'read the API key from standard input')
    .option('--max-concurrency <n>', 'requests at once')
    .option('--cost <n>', 'price per 1k tokens')
    .option('--priority <n>', 'higher is preferred (-100…100)')
    .option('--tasks <list>', `comma-separated: ${TaskType.options.join(', ')}`)
    .option('--ttft-ms <n>', 'time-to-first-token deadline')
    .option('--idle-ms <n>', 'longest silence mid-stream')
    .action(async (id: string, options: AddOptions) => {
      let apiKey: string | undefined;
      if (options.apiKeyEnv) {
        apiKey = process.env[options.apiKeyEnv];
        if (!apiKey) throw new PaError(ErrorCode.BAD_REQUEST, `Environment variable ${options.apiKeyEnv} is empty.`);
      } else if (options.apiKeyStdin) {
        apiKey = readFileSync(0, 'utf8').trim();
      }
      const params: ParamsIn<'ai.providers.add'> = {
        id,
        kind: oneOf(ProviderKind, options.kind, '--kind'),
        model: options.model,
        modelClass: oneOf(ModelClass, options.class, '--class'),
        ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
        ...(options.modelPath ? { modelPath: options.modelPath } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(options.maxConcurrency ? { maxConcurrency: number(options.maxConcurrency, '--max-concurrency') } : {}),
        ...(options.cost ? { costPer1kTokens: number(options.cost, '--cost') } : {}),
        ...(options.priority ? { priority: number(options.priority, '--priority') } : {}),
        ...(options.ttftMs ? { ttftTimeoutMs: number(options.ttftMs, '--ttft-ms') } : {}),
        ...(options.idleMs ? { idleTimeoutMs: number(options.idleMs, '--idle-ms') } : {}),
        ...(options.tasks
          ? { tasks: options.tasks.split(',').map((task) => oneOf(TaskType, task.trim(), '--tasks')) }
          : {}),
      };
      const { provider } = await withEngine((local) => local.call('ai.providers.add', params));
      print(
        `Added ${provider.id} (${provider.kind}, ${provider.model})${provider.hasApiKey ? ', key in keychain' : ''}.`,
      );
    });

  models
    .command('remove')
    .description('remove a model provider and its stored API key')
    .argument('<id>')
    .action(async (id: string) => {
      await withEngine((local) => local.call('ai.providers.remove', { id }));
      print(`Removed ${id}.`);
    });

  models
    .command('test')
    .description('send a tiny request to one provider and report its latency')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await withEngine((local) => local.call('ai.providers.test', { id }));
      if (options.json) print(JSON.stringify(result));
      else if (result.ok)
        print(`${id} answered in ${ms(result.totalMs)} (first token ${ms(result.ttftMs)}): ${result.sample}`);
      if (!result.ok) throw new PaError(ErrorCode.PROVIDER, `${id} failed: ${result.error ?? 'no answer'}`);
    });

  models
    .command('stats')
    .description('per-provider p50/p95 time to first token, tokens/s and error rate')
    .option('--window <hours>', 'how far back to look', '24')
    .option('--json', 'print JSON')
    .action(async (options: { window: string; json?: boolean }) => {
      const hours = number(options.window, '--window') ?? 24;
      const stats = await withEngine((local) =>
        local.call('ai.stats', { windowMs: Math.max(1, Math.round(hours * 3_600_000)) }),
      );
      if (options.json) return print(JSON.stringify(stats, null, 2));
      if (stats.providers.length === 0) return print(`No AI requests in the last ${hours} h.`);
      print(
        `${'provider'.padEnd(16)} ${'requests'.padStart(8)} ${'errors'.padStart(7)} ${'p50 TTFT'.padStart(9)} ${'p95 TTFT'.padStart(9)} ${'tok/s'.padStart(7)}  circuit`,
      );
      for (const row of stats.providers) {
        print(
          `${row.providerId.padEnd(16)} ${String(row.requests).padStart(8)} ${`${Math.round(row.errorRate * 100)}%`.padStart(7)} ${ms(row.p50TtftMs).padStart(9)} ${ms(row.p95TtftMs).padStart(9)} ${(row.tokensPerS === null ? '-' : row.tokensPerS.toFixed(1)).padStart(7)}  ${row.circuit}`,
        );
      }
    });

  models
    .command('sent')
    .description('what was sent to remote models: the newest requests first, or one request whole (--id)')
    .option('--limit <n>', 'how many requests to list', '20')
    .option('--id <n>', 'print this request exactly as it was handed to the provider')
    .option('--clear', 'forget the record')
    .option('--json', 'print JSON')
    .action(async (options: { limit: string; id?: string; clear?: boolean; json?: boolean }) => {
      if (options.clear) {
        const { cleared } = await withEngine((local) => local.call('ai.sent.clear', {}));
        return print(`Forgot ${cleared} recorded request${cleared === 1 ? '' : 's'}.`);
      }
      if (options.id !== undefined) {
        const id = number(options.id, '--id') ?? 0;
        const { request } = await withEngine((local) => local.call('ai.sent.get', { id }));
        if (!request)
          throw new PaError(ErrorCode.NOT_FOUND, `No recorded request ${id}; \`pa models sent\` lists them.`);
        if (options.json) return print(JSON.stringify(request, null, 2));
        print(
          `#${request.id} ${new Date(request.at).toISOString()} ${request.kind} to ${request.providerId} (${request.model})`,
        );
        if (request.sources.length > 0) print(`files: ${sourcesLine(request.sources, request.sourcesCut, Infinity)}`);
        print(request.payload);
        if (request.truncated) print(`… cut: ${request.chars} characters in all`);
        return;
      }
      const limit = Math.min(200, Math.max(1, number(options.limit, '--limit') ?? 20));
      const { items } = await withEngine((local) => local.call('ai.sent.list', { limit }));
      if (options.json) return print(JSON.stringify(items, null, 2));
      if (items.length === 0) return print('Nothing has been sent to a remote model.');
      for (const item of items) {
        print(
          `#${String(item.id).padEnd(6)} ${new Date(item.at).toISOString()} ${item.kind.padEnd(10)} ${item.providerId.padEnd(16)} ${String(item.chars).padStart(8)} chars${item.truncated ? ' (cut)' : ''}`,
        );
      }
    });
  // the egress log: every request that left the machine, by provider and endpoint host, filtered, for an audit
  program
    .command('ai')
    .description('the AI features: egress (what was sent to remote providers)')
    .command('egress')
    .description('what left the machine: each request to a remote provider, its host, size and time, newest first')
    .option('--provider <id>', 'only this provider')
    .option('--kind <kind>', 'only chat or completion requests')
    .option('--limit <n>', 'how many requests to read (at most 200)', '200')
    .option('--json', 'print JSON (an audit export)')
    .action(async (options: { provider?: string; kind?: string; limit: string; json?: boolean }) => {
      if (options.kind !== undefined && options.kind !== 'chat' && options.kind !== 'completion') {
        throw new PaError(ErrorCode.BAD_REQUEST, '--kind is chat or completion.');
      }
      const limit = Math.min(200, Math.max(1, number(options.limit, '--limit') ?? 200));
      const { items } = await withEngine((local) => local.call('ai.sent.list', { limit }));
      const rows = items
        .filter((item) => options.provider === undefined || item.providerId === options.provider)
        .filter((item) => options.kind === undefined || item.kind === options.kind)
        .map((item) => ({ ...item, host: hostOf(item.endpoint), sentAt: new Date(item.at).toISOString() }));
      if (options.json) return print(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return print('Nothing matching has been sent to a remote provider.');
      for (const row of rows) {
        print(
          `#${String(row.id).padEnd(6)} ${row.sentAt} ${row.kind.padEnd(10)} ${row.providerId.padEnd(16)} ${row.host.padEnd(24)} ${String(row.chars).padStart(8)} chars${row.truncated ? ' (cut)' : ''}`,
        );
        if (row.sources.length > 0) print(`        files: ${sourcesLine(row.sources, row.sourcesCut)}`);
      }
      const total = rows.reduce((sum, row) => sum + row.chars, 0);
      print(
        `${rows.length} request${rows.length === 1 ? '' : 's'}, ${total} characters; \`pa models sent --id N\` prints one whole.`,
      );
    });
}

/** The files and chunks a request carried, as one line: `src/a.ts:1-20 (812 B), README.md (90 B), … +3 more`. */
export function sourcesLine(sources: readonly SentSource[], cut: boolean, shown = 10): string {
  const listed = sources.slice(0, shown).map((source) => {
    const lines =
      source.startLine === undefined
        ? ''
        : source.endLine === undefined || source.endLine === source.startLine
          ? `:${source.startLine}`
          : `:${source.startLine}-${source.endLine}`;
    return `${source.path}${lines} (${source.bytes} B)`;
  });
  const rest = sources.length - listed.length;
  if (rest > 0 || cut)
    listed.push(`… ${rest > 0 ? `+${rest} more` : ''}${cut ? ' (the record keeps the first 200)' : ''}`.trim());
  return listed.join(', ');
}

/** The host of an endpoint root, or the provider kind's default endpoint. */
function hostOf(endpoint: string | null): string {
  if (!endpoint) return '(default endpoint)';
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint.slice(0, 80);
  }
}
