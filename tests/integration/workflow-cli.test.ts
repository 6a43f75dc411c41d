// The `pa workflow` and `pa mcp` commands as a user runs them (the built CLI as a process), and an `mcp` step
// against a streamable-HTTP MCP server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCli } from '../../scripts/paths.js';
import { copyFixture } from '../support/workspace.js';
import { type Harness, RunWatch, startHarness, writeWorkflow } from './workflow-harness.js';

const workspace = copyFixture('failing-tests-project');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-cli-data-'));

afterAll(() => {
  workspace.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

function pa(...args: string[]) {
  const result = spawnSync(process.execPath, [engineCli, ...args], {
    cwd: workspace.root,
    env: { ...process.env, PA_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pa workflow', () => {
  it('validate prints each error with file, line and column and exits non-zero', () => {
    const file = join(workspace.root, 'bad.yml');
    writeFileSync(
      file,
      'name: bad\ndescription: Bad.\nsteps:\n  - id: a\n    run:\n      command: "true"\n      retries: 3\n',
    );
    const bad = pa('workflow', 'validate', file);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(`${file}:7:7: unknown key "retries"\n`);
    const builtins = pa('workflow', 'validate', '--json');
    expect(builtins.code).toBe(0);
    expect(JSON.parse(builtins.stdout)).toHaveLength(6);
  });

  it('list shows the built-ins with their descriptions', () => {
    const listed = pa('workflow', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^codeflow\s+From a spec/m);
    expect(listed.stdout).toMatch(/^review\s+.*not in your edition/m);
  });

  it('run follows the steps, prints failures by file:line and exits with the run state', () => {
    const untrusted = pa('workflow', 'run', 'test', '--input', 'fix=no');
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/runs npm test .*Trust the workspace first/);
    expect(pa('workflow', 'trust').code).toBe(0);
    const run = pa('workflow', 'run', 'test', '--input', 'fix=no');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tests: failed \(\d+ ms\)/);
    expect(run.stdout).toBe(
      'test: failed — Tests failed ("npm test" exited with code 1): 1 failing test.\n' +
        '  test/math.test.js:10  multiplies two numbers\n',
    );
    const wrong = pa('workflow', 'run', 'test', '--input', 'fix=maybe');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('pa: Input "fix" must be one of: no, yes.\n');
  });
});

describe('streamable HTTP MCP servers', () => {
  let server: Server;
  let url: string;
  let h: Harness;
  const root = copyFixture('failing-tests-project');

  beforeAll(async () => {
    // Stateless: a fresh MCP server and transport per request, as the SDK documents for simple servers.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const mcp = new McpServer({ name: 'http-echo', version: '1.0.0' });
        mcp.registerTool(
          'shout',
          { description: 'Upper-cases text.', inputSchema: { text: z.string() } },
          ({ text }) => ({
            content: [{ type: 'text', text: text.toUpperCase() }],
          }),
        );
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        res.on('close', () => void transport.close());
        await mcp.connect(transport);
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        await transport.handleRequest(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    h = await startHarness({ root: root.root });
    await h.client.call('workflow.trust.set', { trusted: true });
  });

  afterAll(async () => {
    await h?.stop();
    await new Promise((resolve) => server?.close(resolve));
    root.remove();
  });

  it('lists the tools and calls one from an mcp step with rendered arguments', async () => {
    await h.client.call('mcp.servers.set', { name: 'echo', config: { url } });
    expect((await h.client.call('mcp.tools.list')).tools).toEqual([
      expect.objectContaining({ server: 'echo', name: 'shout', description: 'Upper-cases text.' }),
    ]);
    writeWorkflow(
      h.root,
      'loud',
      'name: loud\ndescription: Shouts.\ninputs:\n  - name: word\nsteps:\n  - id: call\n    mcp:\n      server: echo\n      tool: shout\n      arguments: { text: "say {{ inputs.word }}" }\n',
    );
    const watch = await RunWatch.start(
      h.client,
      h.client.call('workflow.run', { name: 'loud', inputs: { word: 'hi' } }),
    );
    expect((await watch.finished()).state).toBe('succeeded');
    expect((await watch.detail()).steps[0]).toMatchObject({
      input: { server: 'echo', tool: 'shout', arguments: { text: 'say hi' } },
      output: { text: 'SAY HI' },
    });
  });
});
