// The MCP capability's door for other capabilities (types only): the configured servers' clients, which workflow
// `mcp` steps call, and the tool catalog, which lends a chat model the tools it may call without asking.
import type { McpServerConfig, McpToolInfo } from '@pa/shared';

export interface McpCallResult {
  /** The text parts of the tool's answer, joined. */
  text: string;
  isError: boolean;
  content: unknown[];
  structured: unknown;
}

export interface McpClients {
  list(): Array<{ name: string; config: McpServerConfig }>;
  set(name: string, config: McpServerConfig): Promise<void>;
  remove(name: string): Promise<void>;
  tools(server?: string): Promise<McpToolInfo[]>;
  /**
   * How much longer (ms) a server that is still starting for the first time may take before a chat stops waiting
   * for its tools; 0 when every server has started (or been given up on).
   */
  startupGraceMs(): number;
  call(server: string, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult>;
  dispose(): Promise<void>;
}

/** The tools a chat model may call without the user in the loop (the shape ai's ToolProvider asks for). */
export interface McpToolCatalog {
  tools(): Promise<McpToolInfo[]>;
  startupGraceMs(): number;
  call(server: string, tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult>;
}
