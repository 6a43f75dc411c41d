// `pa mcp serve`: the editor as an MCP server over stdio, so Claude Code or any MCP client can read, search and
// write workspace files (confined like the editor's own), list and run workflows, and ask the model router. Only
// that command loads this module (and the SDK's server side); the engine never does.

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, errorMessage, PaError, type RunDetail } from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';
import { RE2JS } from 're2js';
import { z } from 'zod';
import type { LocalEngine } from '../cli/local-engine.js';
import { runToEnd } from '../cli/run-workflow.js';
import { VERSION } from '../version.js';

const SEARCH_FILE_BYTES = 1024 * 1024;

type ToolAnswer = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

/** Runs a tool body; our errors become an MCP tool error with the same sentence the UI would show. */
async function answer(body: () => Promise<string>): Promise<ToolAnswer> {
  try {
    return { content: [{ type: 'text', text: await body() }] };
  } catch (error) {
    const message = errorMessage(error);
    const code = error instanceof PaError ? `${error.code}: ` : '';
    return { content: [{ type: 'text', text: `${code}${message}` }], isError: true };
  }
}

export function createMcpServer(local: LocalEngine): McpServer {
  const server = new McpServer({ name: 'powerautomation', version: VERSION });

  server.registerTool(
    'read_file',
    {
      annotations: { readOnlyHint: true },
      description: 'Read a text file of the open workspace (path relative to the workspace root).',
      inputSchema: { path: z.string() },
    },
    ({ path }) =>
      answer(async () => {
        const file = await local.call('files.read', { path });
        if (file.binary) throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" is a binary file.`);
        return file.content;
      }),
  );

  server.registerTool(
    'write_file',
    {
      annotations: { readOnlyHint: false, destructiveHint: true },
      description: 'Write (create or replace) a text file in the open workspace.',
      inputSchema: { path: z.string(), content: z.string() },
    },
    ({ path, content }) =>
      answer(async () => {
        // git runs code from its folder (core.fsmonitor, hooks): no tool writes there, however `.git` is spelt
        if (isGitPath(path))
          throw new PaError(ErrorCode.FORBIDDEN, `"${path.slice(0, 200)}" is inside .git; no tool writes there.`);
        const written = await local.call('files.write', { path, content });
        return `wrote ${written.path} (${written.size} bytes)`;
      }),
  );

  server.registerTool(
    'search_files',
    {
      annotations: { readOnlyHint: true },
      description:
        'Search the workspace files (respecting .gitignore) for a text or regular expression; answers path:line: text.',
      inputSchema: {
        query: z.string().min(1),
        regex: z.boolean().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      },
    },
    ({ query, regex, limit }) =>
      answer(async () => {
        const pattern = regex ? linearRegex(query) : null;
        const max = limit ?? 200;
        const { files } = await local.call('files.tree');
        const hits: string[] = [];
        for (const path of files) {
          if (hits.length >= max) break;
          const file = await local.call('files.read', { path }).catch(() => null);
          if (!file || file.binary || file.size > SEARCH_FILE_BYTES) continue;
          file.content.split('\n').forEach((line, index) => {
            if (hits.length < max && (pattern ? pattern.matcher(line).find() : line.includes(query))) {
              hits.push(`${path}:${index + 1}: ${line.trim().slice(0, 300)}`);
            }
          });
        }
        return hits.length > 0 ? hits.join('\n') : 'no matches';
      }),
  );

  server.registerTool(
    'find_in_files',
    {
      annotations: { readOnlyHint: true },
      description:
        "The editor's find in files (ripgrep when installed; .gitignore respected): a text or linear-time regular expression, with optional globs. Answers path:line:column: line.",
      inputSchema: {
        query: z.string().min(1).max(10_000),
        regex: z.boolean().optional(),
        matchCase: z.boolean().optional(),
        wholeWord: z.boolean().optional(),
        include: z.array(z.string().min(1).max(1_000)).max(100).optional(),
        exclude: z.array(z.string().min(1).max(1_000)).max(100).optional(),
        limit: z.number().int().min(1).max(2_000).optional(),
      },
    },
    (args, extra) => answer(() => findInFiles(local, args, extra.signal)),
  );

  server.registerTool(
    'search_codebase',
    {
      annotations: { readOnlyHint: true },
      description:
        "Search the workspace's local codebase index by meaning and keywords (a natural-language question or names); answers the best-matching code chunks with their path and lines.",
      inputSchema: {
        query: z.string().min(1).max(2_000),
        limit: z.number().int().min(1).max(50).optional(),
        folder: z.string().max(4096).optional(),
      },
    },
    ({ query, limit, folder }) =>
      answer(async () => {
        const result = await local.call('codebase.search', {
          query,
          limit: limit ?? 10,
          ...(folder ? { folder } : {}),
        });
        if (result.hits.length === 0) return 'no matches';
        const how = result.hybrid ? 'keywords and meaning' : 'keywords only (no embedding model is set)';
        const hits = result.hits.map((hit) => {
          const what = hit.name ? ` ${hit.kind} ${hit.name}` : '';
          return `${hit.path}:${hit.startLine}-${hit.endLine}${what}\n${compact(hit.text) as string}`;
        });
        return `ranked by ${how}\n\n${hits.join('\n\n')}`;
      }),
  );

  server.registerTool(
    'list_workflows',
    {
      description: 'List the workflows this workspace can run, with their inputs.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      answer(async () => {
        const { workflows } = await local.call('workflow.list');
        return JSON.stringify(
          workflows.map((workflow) => ({
            name: workflow.name,
            description: workflow.description,
            inputs: workflow.inputs,
            allowed: workflow.allowed,
            issues: workflow.issues,
          })),
          null,
          2,
        );
      }),
  );

  server.registerTool(
    'run_workflow',
    {
      annotations: { readOnlyHint: false, destructiveHint: false },
      description:
        'Run a workflow to the end and return each step with its state and output. Steps that need approval are approved only when approve is true.',
      inputSchema: {
        name: z.string(),
        inputs: z.record(z.string(), z.string()).optional(),
        approve: z.boolean().optional(),
      },
    },
    ({ name, inputs, approve }, extra) =>
      answer(async () => {
        const detail = await runToEnd(local, name, inputs ?? {}, approve === true, extra.signal);
        return JSON.stringify(summarise(detail), null, 2);
      }),
  );

  server.registerTool(
    'ask',
    {
      annotations: { readOnlyHint: true },
      description: "Ask the editor's model router (whichever model the user configured) a question.",
      inputSchema: { prompt: z.string().min(1) },
    },
    ({ prompt }) => answer(async () => (await local.call('mcp.ask', { prompt })).text),
  );

  return server;
}

/** find_in_files through the engine's own `search.text` stream, cut at `limit` matches. */
async function findInFiles(
  local: LocalEngine,
  args: {
    query: string;
    regex?: boolean | undefined;
    matchCase?: boolean | undefined;
    wholeWord?: boolean | undefined;
    include?: string[] | undefined;
    exclude?: string[] | undefined;
    limit?: number | undefined;
  },
  signal: AbortSignal,
): Promise<string> {
  const limit = args.limit ?? 200;
  const stream = local.stream(
    'search.text',
    {
      pattern: args.query,
      isRegex: args.regex ?? false,
      matchCase: args.matchCase ?? false,
      wholeWord: args.wholeWord ?? false,
      include: args.include ?? [],
      exclude: args.exclude ?? [],
      maxResults: limit,
    },
    { signal },
  );
  const lines: string[] = [];
  for await (const file of stream) {
    for (const match of file.matches) {
      lines.push(`${file.path}:${match.line}:${match.column + 1}: ${match.preview.text.trim().slice(0, 300)}`);
    }
  }
  const result = await stream.result;
  if (lines.length === 0) return 'no matches';
  return result.limitHit ? `${lines.join('\n')}\n(cut at ${limit} matches)` : lines.join('\n');
}

/**
 * A client's regular expression, compiled by RE2 (re2js): matching takes time linear in the line, so a pattern
 * such as `(a+)+$` cannot hold the engine for minutes. RE2 has no backreferences or lookaround; such a pattern is
 * refused with the reason.
 */
function linearRegex(query: string): RE2JS {
  try {
    return RE2JS.compile(query);
  } catch (error) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `The regular expression cannot be used: ${errorMessage(error)} (backreferences and lookaround are not supported).`,
    );
  }
}

function summarise(detail: RunDetail) {
  return {
    runId: detail.id,
    workflow: detail.workflow,
    state: detail.state,
    error: detail.error,
    steps: detail.steps.map((step) => ({
      step: step.stepId,
      state: step.state,
      error: step.error,
      output: compact(step.output),
    })),
  };
}

/** Tool answers stay readable: long texts are cut, the step's log is left out. */
function compact(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 4000 ? `${value.slice(0, 4000)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 100).map(compact);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compact(item)]));
  }
  return value;
}

export async function serveMcpOverStdio(local: LocalEngine): Promise<void> {
  const server = createMcpServer(local);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  // connect() installs its own transport handlers; the protocol layer reports the close to us.
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.close();
}
