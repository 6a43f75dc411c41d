// `pa models pull` and `pa models files` from the built CLI against a loopback server: the file lands in the data
// dir's models folder (or --dir), the progress goes to stderr and the result to stdout; a refused source exits 1
// with the engine's message.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';
import { engineCli } from '../../scripts/paths.js';
import { type FileServer, paddedGguf, startFileServer } from './model-download-server.js';

let dir: string;
let server: FileServer;

function pa(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [engineCli, ...args], {
      env: { ...process.env, PA_DATA_DIR: join(dir, 'data'), PA_SECRETS_BACKEND: 'file' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-models-cli-'));
  server = await startFileServer();
  server.files.set('/coder.gguf', {
    body: paddedGguf(readFileSync(ensureTinyGguf()), 8 * 1024 * 1024),
    rate: 8 * 1024 * 1024,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pa models pull / files', () => {
  it('downloads into the models folder with progress on stderr, then lists it', async () => {
    const run = await pa('models', 'pull', `${server.url}/coder.gguf`);
    expect(run.stderr).toMatch(/\[#+-*\]\s+\d+%\s+[\d.]+ [KMG]B \/ 8\.0 MB\s+[\d.]+ [KMG]?B\/s\s+ETA \d+:\d\d/);
    expect(run.status).toBe(0);
    const path = join(dir, 'data', 'models', 'coder.gguf');
    expect(run.stdout).toContain(path);
    expect(run.stdout).toContain('--model-path');
    expect(existsSync(path)).toBe(true);

    const listed = await pa('models', 'files', '--json');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).models).toEqual([
      expect.objectContaining({
        fileName: 'coder.gguf',
        partial: false,
        header: expect.objectContaining({ architecture: 'llama' }),
      }),
    ]);
  }, 60_000);

  it('downloads into --dir, and refuses a file: source with the reason', async () => {
    const other = join(dir, 'elsewhere');
    const run = await pa('models', 'pull', `${server.url}/coder.gguf`, '--dir', other, '--file-name', 'picked.gguf');
    expect(run.status).toBe(0);
    expect(existsSync(join(other, 'picked.gguf'))).toBe(true);

    const refused = await pa('models', 'pull', 'file:///etc/passwd');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^pa: .*http\(s\)/m);
  }, 60_000);
});
