// Opens the real product for an end-to-end test: copies a fixture project to a temp folder, starts the BUILT
// `pa serve --no-open --port 0 <copy>` with PA_DATA_DIR in its own temp folder, and opens the printed URL.
//
// API (reuse it in any tests/e2e/<area>.spec.ts):
//   const wb = await openWorkbench(page, { fixture?: 'sample-project', prepare?(root) {...}, env?: {...},
//                                          openFolder?: true });
//   wb.root      absolute path of the workspace copy (read/write it to check or cause changes on disk); with
//                openFolder: false the engine starts with no folder (welcome screen) and root is only copied
//   wb.dataDir   the PA_DATA_DIR of this engine
//   wb.url       the URL the CLI printed (http://127.0.0.1:PORT/#token=TOKEN)
//   wb.output()  everything the engine wrote to stdout/stderr so far (attach it when a test fails)
//   wb.errors()  uncaught page errors and console errors seen so far (assert it is empty at the end)
//   await wb.connect()  a typed RPC client of the same engine, with the page's token (to set it up; close() it)
//   await wb.stopEngine()  stops only the engine (to see how the UI copes); close() still cleans up
//   await wb.crashEngine()  kills the engine with SIGKILL (nothing saved on the way out)
//   await wb.restartEngine()  starts `pa serve` again on the same port and data dir, with no folder (so it opens
//                the data dir's last one); the open page is left to reconnect by itself
//   await wb.close()  stops the engine and removes both temp folders (call it in afterEach/finally)
// The engine serves a private copy of packages/ui/dist (PA_UI_DIR), so another `build ui` running meanwhile
// (which empties dist) cannot pull files from under the page.
// openWorkbench resolves once the workbench shows "Engine connected" and the explorer has listed the root
// (or, with openFolder: false, the welcome screen is up).
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import { expect, type Page } from '@playwright/test';
import { repoRoot, uiDist } from '../../../scripts/paths.js';
import { connectClient } from '../../support/engine.js';
import { engineCliFor } from '../../support/vendor-key.js';

export interface OpenWorkbenchOptions {
  fixture?: string;
  /** Runs on the copied folder before the engine starts (e.g. to add gitignored files). */
  prepare?(root: string): void;
  /** Extra environment; testVendorEnv(key) in it runs the test build, which trusts that vendor key. */
  env?: Record<string, string>;
  /** Start `pa serve` with the copy as its folder (default) or with none, showing the welcome screen. */
  openFolder?: boolean;
}

export interface OpenedWorkbench {
  root: string;
  dataDir: string;
  url: string;
  output(): string;
  errors(): string[];
  connect(): Promise<RpcClient>;
  stopEngine(): Promise<void>;
  crashEngine(): Promise<void>;
  restartEngine(): Promise<void>;
  close(): Promise<void>;
}

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/;

export async function openWorkbench(page: Page, options: OpenWorkbenchOptions = {}): Promise<OpenedWorkbench> {
  const fixture = options.fixture ?? 'sample-project';
  const root = mkdtempSync(join(tmpdir(), `pa-e2e-${fixture}-`));
  cpSync(join(repoRoot, 'tests/fixtures', fixture), root, { recursive: true });
  options.prepare?.(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'pa-e2e-data-'));
  if (!existsSync(join(uiDist, 'index.html'))) throw new Error('The UI is not built: run `npm run build` first.');
  const uiDir = join(dataDir, 'ui');
  cpSync(uiDist, uiDir, { recursive: true });
  const openFolder = options.openFolder ?? true;
  const args = [engineCliFor(options.env), 'serve', '--no-open', '--port', '0', ...(openFolder ? [root] : [])];
  const env = { ...process.env, PA_DATA_DIR: dataDir, PA_UI_DIR: uiDir, ...options.env };
  let child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const cleanup = async () => {
    await stop(child);
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const printedUrl = () =>
      new Promise<string>((resolve, reject) => {
        const from = output.length;
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = URL_PATTERN.exec(output.slice(from));
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.once('exit', (code) =>
          reject(new Error(`pa serve exited (${code}) before printing its URL:\n${output}`)),
        );
        child.once('error', reject);
      });
    const url = await printedUrl();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // failed requests are reported below with their URL, which says more than Chromium's console line
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        errors.push(`console error: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    await page.goto(url);
    await expect(page.getByTestId('connection')).toHaveText(/Engine connected/);
    if (openFolder) await expect(page.locator('.tree-row').first()).toBeVisible();
    else await expect(page.locator('.welcome')).toBeVisible();
    return {
      root,
      dataDir,
      url,
      output: () => output,
      errors: () => [...errors],
      connect: () => {
        const { port, token } = /127\.0\.0\.1:(?<port>\d+)\/#token=(?<token>[\w-]+)/.exec(url)?.groups ?? {};
        return connectClient(`ws://127.0.0.1:${port}/rpc`, token ?? '');
      },
      stopEngine: () => stop(child),
      crashEngine: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
      restartEngine: async () => {
        const port = /127\.0\.0\.1:(\d+)\//.exec(url)?.[1] ?? '0';
        child = spawn(process.execPath, [engineCliFor(options.env), 'serve', '--no-open', '--port', port], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        await printedUrl();
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
