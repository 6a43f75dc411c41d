// terminal_throughput: `cat` of a 50 MB file in the product's terminal (pty → engine → typed stream → xterm.js in
// Chromium) against the same bytes sent over a bare WebSocket into a bare xterm.js page, in the same run; and the
// echo of keystrokes typed into a second terminal while the first one floods. Paired rounds alternating which goes
// first; the ratio is the median of the rounds' ratios. Goals: ratio ≤ 1.5, echo p95 ≤ 50 ms.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';
import { uiDist } from '../scripts/paths.js';
import { startEngine } from '../tests/support/engine.js';
import { BENCH_VIEWPORT, launchChromium, openWorkbench } from './support/chromium.js';
import { median, percentile, progress, report, round } from './support/report.js';
import type { TerminalProbe } from './support/terminal-probe.js';

const BYTES = 50 * 1024 * 1024;
const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 5);
const MARKER = 'END-2';

const root = mkdtempSync(join(tmpdir(), 'pa-bench-term-'));
const line = `${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(2)} the quick brown fox\n`;
const file = line.repeat(Math.ceil(BYTES / line.length)).slice(0, BYTES);
writeFileSync(join(root, 'big.txt'), file);

type ProbeWindow = Window & { terminalProbe: TerminalProbe; floodStarted?: number };

/** The page-side probe (support/terminal-probe.ts), bundled once, put into each page. */
async function probeScript(): Promise<string> {
  const built = await build({
    entryPoints: [fileURLToPath(new URL('./support/terminal-probe.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'error',
  });
  return built.outputFiles[0]?.text ?? '';
}

async function baselineServer(): Promise<{ url: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'pa-bench-term-page-'));
  await build({
    entryPoints: { page: fileURLToPath(new URL('./support/terminal-page.ts', import.meta.url)) },
    bundle: true,
    format: 'esm',
    outdir: dir,
    minify: true,
    logLevel: 'error',
  });
  const css = readFileSync(fileURLToPath(new URL('../node_modules/@xterm/xterm/css/xterm.css', import.meta.url)));
  const script = readFileSync(join(dir, 'page.js'));
  const server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (request.url === '/xterm.css') response.writeHead(200, { 'content-type': 'text/css' }).end(css);
    else
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><link rel="stylesheet" href="xterm.css"><body><script type="module" src="page.js"></script>',
        );
  });
  const sockets = new WebSocketServer({ server, path: '/flood' });
  const bytes = Buffer.from(`${file}${MARKER}\r\n`);
  sockets.on('connection', (socket) => {
    // the same bytes the pty gives (\n becomes \r\n in the tty), in pty-sized reads
    const data = Buffer.from(bytes.toString().replace(/\n/g, '\r\n'));
    for (let at = 0; at < data.length; at += 64 * 1024) socket.send(data.subarray(at, at + 64 * 1024));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** The bare page: from its socket opening to the marker drawn, timed in the page. */
async function timeBaseline(page: Page, url: string, probe: string): Promise<number> {
  await page.goto(url);
  await page.evaluate(probe); // through CDP, which the page's CSP (no inline scripts) does not govern
  return page.evaluate(async (marker) => {
    const w = window as unknown as ProbeWindow;
    const drawn = await w.terminalProbe.shown(0, marker);
    return drawn - (w.floodStarted ?? drawn);
  }, MARKER);
}

async function main() {
  const engine = await startEngine({ workspace: root, uiDir: uiDist, env: { SHELL: '/bin/sh', ENV: '', PS1: '$ ' } });
  const baseline = await baselineServer();
  const probe = await probeScript();
  const browser = await launchChromium();
  try {
    const page = await openWorkbench(browser, engine);
    await page.keyboard.press('Control+Backquote');
    await page.locator('.terminal-view__pane .xterm').first().waitFor();
    // a second terminal beside the first, for the keystrokes typed during the flood
    await page.getByRole('button', { name: 'Split Terminal' }).click();
    await page.locator('.terminal-view__pane .xterm').nth(1).waitFor();
    await page.evaluate(probe); // through CDP, which the page's CSP (no inline scripts) does not govern
    const product: number[] = [];
    const bare: number[] = [];
    const echoes: number[] = [];
    // the same keystrokes with nothing flooding: the echo path's own time
    const idleEchoes = await page.evaluate(async () => {
      const probe = (window as unknown as ProbeWindow).terminalProbe;
      const times: number[] = [];
      for (let key = 0; key < 20; key++) times.push(await probe.echo(1, `i${String(key).padStart(3, '0')}`));
      return times;
    });
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      const ours = async () => {
        // a cleared screen, then the flood in the first terminal while keys are typed into the second
        const run = await page.evaluate(
          async ({ marker, round }) => {
            const probe = (window as unknown as ProbeWindow).terminalProbe;
            const ready = probe.shown(0, `ready-${round + 100}`);
            probe.type(0, `clear; echo ready-$((${round}+100))\r`);
            await ready;
            const done = probe.shown(0, marker);
            const started = performance.now();
            probe.type(0, 'cat big.txt; echo END-$((1+1))\r');
            const typed = await probe.echoesUntil(1, done, `k${round}`, 50);
            return { floodMs: (await done) - started, echoes: typed };
          },
          { marker: MARKER, round: round_ },
        );
        product.push(Math.round(run.floodMs));
        echoes.push(...run.echoes);
        progress(`product round ${round_ + 1}: ${product.at(-1)} ms, ${run.echoes.length} echoes`);
      };
      const theirs = async () => {
        const other = await browser.newPage({ viewport: BENCH_VIEWPORT });
        bare.push(Math.round(await timeBaseline(other, baseline.url, probe)));
        await other.close();
        progress(`bare round ${round_ + 1}: ${bare.at(-1)} ms`);
      };
      // paired rounds, alternating which goes first, so neither always meets the other's leftovers
      if (round_ % 2 === 0) {
        await ours();
        await theirs();
      } else {
        await theirs();
        await ours();
      }
    }
    const value = median(product);
    const base = median(bare);
    // the median of each round's ratio: both sides of a round ran under the same load (two shared cores)
    const ratio = median(product.map((ms, i) => ms / (bare[i] ?? ms)));
    report({
      name: 'terminal_throughput',
      value,
      unit: 'ms',
      baseline: base,
      ratio: round(ratio),
      goal: 'ratio <= 1.5 (median of paired rounds)',
      pass: ratio <= 1.5,
      ratio_of_medians: round(value / base),
      mb: BYTES / 1024 / 1024,
      rounds: product,
      baselineRounds: bare,
    });
    const p95 = percentile(echoes, 95);
    report({
      name: 'terminal_echo_during_flood',
      value: round(p95),
      unit: 'ms p95',
      baseline: null,
      ratio: null,
      goal: 'p95 <= 50 ms',
      pass: p95 <= 50,
      median: round(median(echoes)),
      max: round(Math.max(...echoes)),
      samples: echoes.length,
      idleP95: round(percentile(idleEchoes, 95)),
      idleMedian: round(median(idleEchoes)),
    });
  } finally {
    await browser.close();
    baseline.close();
    await engine.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
