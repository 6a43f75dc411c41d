// MCP both ways: the client for configured servers (used by `mcp` steps and `pa mcp list-tools`) and the server
// `pa mcp serve` that exposes the editor to other agents.
export { createMcpClients, type McpCallResult, type McpClients } from './client.js';
export { type LocalEngine, openLocalEngine } from './in-process.js';
export { createMcpServer, runToEnd, serveMcpOverStdio } from './server.js';
