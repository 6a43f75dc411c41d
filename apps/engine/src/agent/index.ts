// The agent capability: `agent.run` runs one turn of the model working through the engine's tools (loop.ts), routed
// by the ai capability like any chat (so provider choice, deadlines, quotas and the record of what was sent hold);
// every call is judged by the permission policy (permissions.ts), and may wait on the user's approval
// (`agent.approve`); every file a turn writes is checkpointed first (checkpoints.ts); the project's rules go into the
// system prompt (rules.ts). Loaded on first use.
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import {
  type AgentAnswer,
  type AgentEvent,
  type AgentRunParams,
  type ChatTurn,
  ErrorCode,
  errorMessage,
  PaError,
  SearchTextParams,
  type WorkspaceProblem,
} from '@pa/shared';
import type { AiService } from '../ai/api.js';
import type { CodebaseService } from '../codebase/api.js';
import type { Capability, EngineContext } from '../context.js';
import type { McpClients } from '../mcp/api.js';
import { Channel } from '../rpc/channel.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { TerminalsCapability } from '../terminal/index.js';
import { type Checkpoint, CheckpointStore } from './checkpoints.js';
import { agentProvider, type CallToJudge, type LoopEvent, type LoopOutcome, type McpTool } from './loop.js';
import { alwaysRule, type DecideInput, decide, PermissionStore } from './permissions.js';
import { loadRules, requestableRulesPrompt, rulesPrompt, selectRules } from './rules.js';
import {
  alwaysAsk,
  BUILTIN_TOOLS,
  type CommandResult,
  type FindArgs,
  type SourcedText,
  type ToolContext,
} from './tools.js';

export interface AgentDeps {
  ai: AiService;
  codebase?: CodebaseService;
  mcp?: McpClients;
  /** `.aiignore`: paths no model is given. */
  excluded(path: string): boolean;
  isTrusted(root: string): Promise<boolean>;
  /** The editor's problems now: what the page published (problems.publish) and the language servers hold. */
  diagnostics?(): WorkspaceProblem[];
  /** The terminal capability (loaded on the first command a turn runs in a terminal). */
  terminals?(): Promise<TerminalsCapability>;
}

interface PendingApproval {
  resolve(choice: 'once' | 'always' | 'deny'): void;
}

export interface AgentCapability extends Capability {
  checkpoints: CheckpointStore;
}

export function createAgent(context: EngineContext, deps: AgentDeps): AgentCapability {
  const checkpoints = new CheckpointStore(context.store);
  const permissions = new PermissionStore(context.store);
  const approvals = new Map<string, PendingApproval>();

  const handlers: PartialHandlers = {
    'agent.run': (params, call) => {
      const root = realpathSync(context.workspace.requireRoot());
      const events = new Channel<AgentEvent, AgentAnswer>({ merge: joinText });
      void runTurn(params, root, call.actor, call.signal, events).then(
        (answer) => events.end(answer),
        (error: unknown) => events.fail(error),
      );
      return events;
    },
    'agent.checkpoints.list': () => {
      const root = realpathSync(context.workspace.requireRoot());
      return { checkpoints: checkpoints.list(root) };
    },
    'agent.restore': ({ checkpointId, force }) => {
      const root = realpathSync(context.workspace.requireRoot());
      // only a checkpoint of the open workspace: another folder's files are not this window's to rewrite
      if (checkpoints.get(checkpointId).root !== root) {
        throw new PaError(ErrorCode.NOT_FOUND, `Checkpoint ${checkpointId} belongs to another folder.`);
      }
      return checkpoints.restore(checkpointId, { force });
    },
    'agent.restoreFiles': ({ checkpointId, paths, force }) => {
      const root = realpathSync(context.workspace.requireRoot());
      if (checkpoints.get(checkpointId).root !== root) {
        throw new PaError(ErrorCode.NOT_FOUND, `Checkpoint ${checkpointId} belongs to another folder.`);
      }
      return checkpoints.restoreFiles(checkpointId, paths, { force });
    },
    'agent.approve': ({ approvalId, choice }) => {
      const pending = approvals.get(approvalId);
      if (!pending)
        throw new PaError(ErrorCode.NOT_FOUND, 'No approval waits under that id (the turn may have ended).');
      approvals.delete(approvalId);
      pending.resolve(choice);
      return { ok: true as const };
    },
  };

  async function runTurn(
    params: AgentRunParams,
    root: string,
    actor: string,
    signal: AbortSignal,
    events: Channel<AgentEvent, AgentAnswer>,
  ): Promise<AgentAnswer> {
    const started = performance.now();
    const trusted = await deps.isTrusted(root);
    // rules: the files in play are the ones the conversation names; rules scoped to others are left out
    const rules = await loadRules(root);
    const inPlay = filesNamedIn(params.messages);
    const effect = selectRules(rules, inPlay);
    const prompt = rulesPrompt(effect.inEffect);
    if (prompt.included.length > 0) events.push({ type: 'rules', sources: prompt.included });
    const system = [
      `The workspace folder is open; paths are relative to its root. The workspace is ${trusted ? 'trusted' : 'not trusted (commands cannot run)'}.`,
      prompt.text,
      requestableRulesPrompt(effect.requestable),
    ]
      .filter(Boolean)
      .join('\n\n');

    let checkpoint: Checkpoint | null = null;
    const beforeWrite = (paths: string[]) => {
      if (!checkpoint) {
        checkpoint = checkpoints.begin(root, randomUUID(), firstLine(params.messages));
        events.push({ type: 'checkpoint', checkpointId: checkpoint.id });
      }
      checkpoint.capture(paths);
    };

    const authorize = async (judged: CallToJudge, turnSignal: AbortSignal) => {
      const input: DecideInput = {
        tool: judged.tool,
        kind: judged.kind,
        mode: params.mode,
        trusted,
        ...(judged.command !== undefined ? { command: judged.command } : {}),
        paths: judged.paths,
      };
      const verdict = decide(input, permissions.layers(root));
      if (verdict.decision === 'deny') return { allowed: false, reason: verdict.reason };
      const sensitive = judged.kind === 'write' ? judged.paths.map(alwaysAsk).find((reason) => reason !== null) : null;
      if (verdict.decision === 'allow' && !sensitive) return { allowed: true, reason: verdict.reason };
      // ask the user; the card waits until they answer or the turn is stopped
      const approvalId = randomUUID();
      const choice = await new Promise<'once' | 'always' | 'deny'>((resolve, reject) => {
        approvals.set(approvalId, { resolve });
        const onAbort = () => {
          approvals.delete(approvalId);
          reject(turnSignal.reason ?? new Error('aborted'));
        };
        turnSignal.addEventListener('abort', onAbort, { once: true });
        events.push({
          type: 'approval',
          approvalId,
          callId: judged.id,
          name: judged.tool,
          kind: judged.kind,
          summary: summaryOf(judged) + (sensitive ? ` (${sensitive})` : ''),
          arguments: judged.arguments,
        });
      });
      if (choice === 'deny') return { allowed: false, reason: 'the user denied it.' };
      if (choice === 'always' && !sensitive) {
        // "always for this workspace": the command's program and subcommand, or these paths; a command the policy
        // cannot reduce to that (a pipeline, a substitution) is allowed once only
        const rule = alwaysRule(input);
        if (rule) permissions.grant(root, rule);
      }
      return { allowed: true, reason: 'the user allowed it.' };
    };

    // the page has a terminal: commands run in a new terminal of its own, their output live there
    const size = params.terminal;
    const terminals = deps.terminals;
    const runInTerminal =
      size && terminals
        ? async (command: string, cwd: string, timeoutMs: number, call: ToolContext): Promise<CommandResult> => {
            const folder = relative(root, cwd).split(sep).join('/');
            const { info, done } = await (await terminals()).startCommand(
              { command, cwd: folder, cols: size.cols, rows: size.rows, timeoutMs, signal: call.signal },
              'agent',
            );
            events.push({ type: 'terminal', id: call.callId ?? '', terminalId: info.id, name: info.name });
            const outcome = await done;
            return {
              code: outcome.signal ? null : outcome.exitCode,
              signal: outcome.signal ? String(outcome.signal) : null,
              output: outcome.output,
              timedOut: outcome.timedOut,
            };
          }
        : undefined;

    const mcpTools = params.mode === 'agent' && deps.mcp ? await mcpToolsOf(deps.mcp) : [];
    let loop: { done: Promise<LoopOutcome> } | null = null;
    const emit = (event: LoopEvent) => events.push(event as AgentEvent);
    let text = '';
    let redactions = 0;
    try {
      const result = await deps.ai.generate({
        task: 'chat',
        messages: params.messages,
        ...(params.provider !== undefined ? { provider: params.provider } : {}),
        ...(params.maxTokens !== undefined ? { maxTokens: params.maxTokens } : {}),
        ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
        actor,
        signal,
        onRedacted: (count) => {
          // each round resends the conversation so far: the newest request's count is how many secrets it held
          if (count <= redactions) return;
          redactions = count;
          events.push({ type: 'redacted', count: redactions });
        },
        onToken: (token) => {
          text += token;
          events.push({ type: 'text', text: token });
        },
        wrap: (provider) => {
          const driven = agentProvider(provider, {
            mode: params.mode,
            tools: BUILTIN_TOOLS,
            mcp: mcpTools,
            system,
            context: {
              root,
              dataDir: context.dataDir,
              excluded: deps.excluded,
              beforeWrite,
              findInFiles: findInFilesAt(root, deps.excluded),
              ...(deps.codebase ? { searchCodebase: searchCodebaseWith(deps.codebase) } : {}),
              ...(deps.diagnostics ? { diagnostics: deps.diagnostics } : {}),
              ...(runInTerminal ? { runInTerminal } : {}),
            },
            authorize,
            emit,
            maxSteps: params.maxSteps,
            tokenBudget: params.tokenBudget,
          });
          loop = driven;
          return driven.provider;
        },
      });
      const outcome = await (loop as { done: Promise<LoopOutcome> } | null)?.done;
      const current = checkpoint as Checkpoint | null;
      current?.finish();
      return {
        text: result.text,
        mode: params.mode,
        route: {
          providerId: result.providerId,
          model: result.model,
          reasons: result.reasons,
          fallbacks: result.fallbacks,
        },
        steps: outcome?.steps ?? 1,
        toolCalls: outcome?.toolCalls ?? 0,
        stopReason: outcome?.stopReason ?? 'done',
        checkpointId: current?.id ?? null,
        edits: outcome?.edits ?? [],
        rules: prompt.included,
        redactions,
        tokensIn: result.tokensIn,
        tokensOut: result.tokensOut,
        totalMs: performance.now() - started,
      };
    } catch (error) {
      (checkpoint as Checkpoint | null)?.finish();
      if (error instanceof PaError) throw error;
      throw new PaError(ErrorCode.INTERNAL, `The agent turn failed: ${errorMessage(error)}`, { partial: text });
    }
  }

  return {
    handlers,
    checkpoints,
    dispose: () => {
      for (const pending of approvals.values()) pending.resolve('deny');
      approvals.clear();
    },
  };
}

/** Text items join when the reader is behind; other events are never folded. */
function joinText(queue: AgentEvent[], item: AgentEvent): boolean {
  const last = queue.at(-1);
  if (item.type !== 'text' || last?.type !== 'text') return false;
  queue[queue.length - 1] = { type: 'text', text: last.text + item.text };
  return true;
}

function firstLine(messages: ChatTurn[]): string {
  const question = [...messages].reverse().find((turn) => turn.role === 'user')?.content ?? '';
  return question.split('\n')[0]?.slice(0, 200) ?? '';
}

/** Workspace-looking paths the user's messages name (`src/a.ts`), for glob-scoped rules. */
function filesNamedIn(messages: ChatTurn[]): string[] {
  const found = new Set<string>();
  for (const turn of messages) {
    if (turn.role !== 'user') continue;
    for (const word of turn.content.slice(0, 100_000).split(/[\s`'"()<>[\]{},;]+/)) {
      if (word.length < 200 && /^[\w.@-]+(?:\/[\w.@-]+)*\.\w{1,10}$/.test(word) && !word.startsWith('.'))
        found.add(word);
      if (found.size >= 100) break;
    }
  }
  return [...found];
}

function summaryOf(call: CallToJudge): string {
  if (call.command !== undefined) return `run \`${call.command.slice(0, 500)}\``;
  const verb: Record<string, string> = {
    edit_file: 'edit',
    create_file: 'create',
    delete_file: 'delete',
    rename_file: 'rename',
  };
  if (verb[call.tool]) return `${verb[call.tool]} ${call.paths.join(' → ')}`;
  return `call ${call.tool}`;
}

async function mcpToolsOf(clients: McpClients): Promise<McpTool[]> {
  try {
    const tools = await Promise.race([
      clients.tools(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
    ]);
    return tools.map((tool) => ({
      server: tool.server,
      name: tool.name,
      description: tool.description || `${tool.name} (MCP server ${tool.server})`,
      parameters:
        typeof tool.inputSchema === 'object' && tool.inputSchema !== null
          ? (tool.inputSchema as Record<string, unknown>)
          : { type: 'object' },
      call: async (args, signal) => {
        const answer = await clients.call(tool.server, tool.name, args, signal);
        return { text: answer.text, isError: answer.isError };
      },
    }));
  } catch {
    return []; // a server that hangs must not hold the turn
  }
}

/** find_in_files through the search engine itself (ripgrep, else the built-in walk), `.aiignore`d files left out. */
function findInFilesAt(root: string, excluded: (path: string) => boolean) {
  return async (args: FindArgs, signal: AbortSignal): Promise<SourcedText> => {
    const { builtinSearch, findRipgrep, planSearch, ripgrepSearch } = await import('../search/api.js');
    const limit = args.limit ?? 200;
    const plan = planSearch(
      root,
      SearchTextParams.parse({
        pattern: args.query,
        isRegex: args.regex ?? false,
        matchCase: args.matchCase ?? false,
        include: args.include ?? [],
        exclude: args.exclude ?? [],
        maxResults: limit,
      }),
    );
    const rg = findRipgrep();
    const lines: string[] = [];
    const sources: SourcedText['sources'] = [];
    let cut = false;
    for await (const item of rg ? ripgrepSearch(rg, plan, signal) : builtinSearch(plan, signal)) {
      if (excluded(item.path)) continue;
      for (const match of item.matches) {
        if (lines.length >= limit) {
          cut = true;
          break;
        }
        const preview = match.preview.text.trim().slice(0, 300);
        lines.push(`${item.path}:${match.line}:${match.column + 1}: ${preview}`);
        sources.push({
          path: item.path,
          startLine: match.line,
          endLine: match.line,
          bytes: Buffer.byteLength(preview, 'utf8'),
        });
      }
      if (cut) break;
    }
    if (lines.length === 0) return { text: 'no matches', sources };
    return { text: cut ? `${lines.join('\n')}\n(cut at ${limit} matches)` : lines.join('\n'), sources };
  };
}

function searchCodebaseWith(codebase: CodebaseService) {
  return async (query: string, limit: number): Promise<SourcedText> => {
    const result = await codebase.search({ query, limit, mode: 'hybrid' });
    if (result.hits.length === 0) return { text: 'no matches', sources: [] };
    const text = result.hits
      .map(
        (hit) =>
          `${hit.path}:${hit.startLine}-${hit.endLine}${hit.name ? ` ${hit.kind} ${hit.name}` : ''}\n${hit.text.slice(0, 4_000)}`,
      )
      .join('\n\n');
    const sources = result.hits.map((hit) => ({
      path: hit.path,
      startLine: hit.startLine,
      endLine: hit.endLine,
      bytes: Buffer.byteLength(hit.text.slice(0, 4_000), 'utf8'),
    }));
    return { text, sources };
  };
}
