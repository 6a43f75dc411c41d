// MCP client side: the servers configured in settings (a command with args over stdio, or a streamable HTTP URL),
// their tools, and calls to them through @modelcontextprotocol/sdk. One connection per server, opened on first use
// (or when a server is added).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  McpServerConfig as ConfigSchema,
  ErrorCode,
  errorMessage,
  type McpServerConfig,
  type McpToolInfo,
  PaError,
} from '@pa/shared';
import type { Store } from '../store/index.js';
import { VERSION } from '../version.js';
import type { McpClients } from './api.js';

const MIGRATIONS = ['CREATE TABLE mcp_servers (name TEXT PRIMARY KEY, config TEXT NOT NULL);'];

/** How long a server's first start may take (spawning `npx some-server` is seconds) before chats stop waiting. */
const FIRST_START_MS = 15_000;

export function createMcpClients(store: Store, options: { cwd: () => string | undefined }): McpClients {
  store.migrate('mcp', MIGRATIONS);
  const db = store.db;
  const connected = new Map<string, Promise<Client>>();
  /** When each server's connection attempt began, until it answers (or fails): a starting process is not a hang. */
  const starting = new Map<string, number>();

  const configOf = (name: string): McpServerConfig => {
    const row = db.prepare<[string], { config: string }>('SELECT config FROM mcp_servers WHERE name = ?').get(name);
    if (!row) {
      throw new PaError(
        ErrorCode.NOT_FOUND,
        `No MCP server named "${name}" is configured. Add it in Settings → MCP servers.`,
      );
    }
    return ConfigSchema.parse(JSON.parse(row.config));
  };

  const connect = (name: string): Promise<Client> => {
    const existing = connected.get(name);
    if (existing) return existing;
    const config = configOf(name);
    const opening = (async () => {
      // the SDK is loaded on first use: most engine starts never talk to an MCP server (engine_cold_start)
      const [{ Client }, { StdioClientTransport }, { StreamableHTTPClientTransport }] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/stdio.js'),
        import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      ]);
      const client = new Client({ name: 'powerautomation', version: VERSION });
      const cwd = options.cwd();
      const transport =
        'url' in config
          ? new StreamableHTTPClientTransport(new URL(config.url))
          : new StdioClientTransport({
              command: config.command,
              args: config.args,
              env: { ...inheritedEnv(), ...config.env },
              stderr: 'ignore',
              ...(cwd ? { cwd } : {}),
            });
      client.onclose = () => connected.delete(name);
      try {
        await client.connect(transport);
      } catch (error) {
        connected.delete(name);
        starting.delete(name);
        throw new PaError(ErrorCode.UNAVAILABLE, `Could not connect to MCP server "${name}": ${errorMessage(error)}`);
      }
      starting.delete(name);
      return client;
    })();
    starting.set(name, Date.now());
    connected.set(name, opening);
    opening.catch(() => connected.delete(name));
    return opening;
  };

  const disconnect = async (name: string) => {
    const client = connected.get(name);
    connected.delete(name);
    if (client) await (await client.catch(() => null))?.close();
  };

  const list = () =>
    db
      .prepare<[], { name: string; config: string }>('SELECT name, config FROM mcp_servers ORDER BY name')
      .all()
      .map((row) => ({ name: row.name, config: ConfigSchema.parse(JSON.parse(row.config)) }));

  return {
    list,
    async set(name, config) {
      db.prepare('INSERT OR REPLACE INTO mcp_servers (name, config) VALUES (?, ?)').run(name, JSON.stringify(config));
      await disconnect(name);
      // start it now, as editors do when a server is added: its process is up by the time the user asks something;
      // a failure here is reported by the first real use, which connects again
      connect(name).catch(() => {});
    },
    async remove(name) {
      db.prepare('DELETE FROM mcp_servers WHERE name = ?').run(name);
      await disconnect(name);
    },
    async tools(server) {
      const names = server ? [server] : list().map((entry) => entry.name);
      // servers answer in parallel: one slow server costs its own time, not the sum
      const perServer = await Promise.all(
        names.map(async (name): Promise<McpToolInfo[]> => {
          const answer = await (await connect(name)).listTools();
          return answer.tools.map((tool) => ({
            server: name,
            name: tool.name,
            description: tool.description ?? '',
            inputSchema: tool.inputSchema,
            readOnly: tool.annotations?.readOnlyHint === true,
          }));
        }),
      );
      return perServer.flat();
    },
    startupGraceMs() {
      const now = Date.now();
      let grace = 0;
      for (const since of starting.values()) grace = Math.max(grace, FIRST_START_MS - (now - since));
      return grace;
    },
    async call(server, tool, args, signal) {
      const client = await connect(server);
      const answer = await client.callTool({ name: tool, arguments: args }, undefined, signal ? { signal } : undefined);
      const content = Array.isArray(answer.content) ? (answer.content as unknown[]) : [];
      const text = content
        .filter((part): part is { type: 'text'; text: string } => isTextPart(part))
        .map((part) => part.text)
        .join('\n');
      return { text, isError: answer.isError === true, content, structured: answer.structuredContent ?? null };
    },
    async dispose() {
      await Promise.all([...connected.keys()].map((name) => disconnect(name)));
    },
  };
}

function isTextPart(part: unknown): part is { type: 'text'; text: string } {
  return (
    typeof part === 'object' &&
    part !== null &&
    (part as { type?: unknown }).type === 'text' &&
    typeof (part as { text?: unknown }).text === 'string'
  );
}

/** The engine's environment minus undefined values (the SDK's type wants strings only). */
function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
