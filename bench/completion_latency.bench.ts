// completion_latency: keystroke → ghost text drawn, in Chromium against the built UI and engine with the tiny local
// GGUF on the CPU, against raw node-llama-cpp infill (LlamaCompletion.generateInfillCompletion in this process) of
// the same prompts — the prefix and suffix the page sent, for as many tokens as the engine generated — in the same
// run. Each round types a new digit mid-line (a prompt not seen before, so a real request), times the keydown to
// the frame after the ghost text appears, then types the suggestion's first character and times that (typed-through:
// served without a request). The editor's own debounce is set to 0 for the measure; Monaco still waits its fixed
// 50 ms before it asks any inline provider after a keystroke (InlineCompletionsDebounce, not configurable), which
// with the default debounce (≥ 100 ms) is absorbed by it: `p50_added_beyond_monaco_ms` is the added time without it.
// Typed-through is timed to the frame after the rest is drawn and (typed_through_dom_p50_ms) to the DOM holding it;
// either includes the wait for Chromium's next frame, which the typed character itself waits for too — so the goal
// is read on typed_through_added_p50_ms: the rest in the DOM after the typed character's own drawing.
// Goal (issue 15): added p50 ≤ 15 ms, p95 ≤ 30 ms; typed-through hits p50 ≤ 5 ms (beyond the typed character).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.js';
import { uiDist } from '../scripts/paths.js';
import { startEngine } from '../tests/support/engine.js';
import { BENCH_VIEWPORT, launchChromium } from './support/chromium.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 12);
const MONACO_DEBOUNCE_MS = 50;

interface Sent {
  prefix: string;
  suffix: string;
}

const workspace = mkdtempSync(join(tmpdir(), 'pa-bench-completion-'));
writeFileSync(join(workspace, 'calc.ts'), 'export function total(items: number[]) {\n  return sum();\n}\n');
const uiDir = mkdtempSync(join(tmpdir(), 'pa-bench-completion-ui-'));
cpSync(uiDist, uiDir, { recursive: true });
const engine = await startEngine({ workspace, uiDir });
const client = await engine.connect();
const modelPath = ensureTinyGguf();
for (const [key, value] of [
  ['completion.ttftDeadlineMs', 30_000],
  ['completion.totalDeadlineMs', 60_000],
  ['completion.debounceMinMs', 0],
  ['completion.debounceMaxMs', 0],
] as const) {
  await client.call('settings.set', { scope: 'user', key, value });
}
await client.call('ai.providers.add', {
  id: 'tiny',
  kind: 'local',
  modelClass: 'local',
  model: 'tiny',
  modelPath,
  maxConcurrency: 1,
  tasks: ['completion'],
});

const browser = await launchChromium();
// the page's WebSocket is watched from before it opens (its ai.infill frames are the prompts of the baseline)
const page = await browser.newPage({ viewport: BENCH_VIEWPORT });
const sent: Sent[] = [];
const tokensOut: number[] = [];
page.on('websocket', (socket) => {
  socket.on('framesent', ({ payload }) => {
    if (typeof payload !== 'string' || !payload.includes('"method":"ai.infill"')) return;
    const { params } = JSON.parse(payload) as { params: Sent };
    sent.push({ prefix: params.prefix, suffix: params.suffix });
  });
  socket.on('framereceived', ({ payload }) => {
    if (typeof payload !== 'string' || !payload.includes('"tokensOut"')) return;
    const frame = JSON.parse(payload) as { result?: { tokensOut?: number } };
    if (typeof frame.result?.tokensOut === 'number') tokensOut.push(frame.result.tokensOut);
  });
});

await page.goto(`http://127.0.0.1:${engine.port}/#token=${engine.token}`);
await page.getByText('Engine connected').waitFor({ timeout: 60_000 });
// tsx names the helpers inside page.evaluate callbacks with __name(...), which the page does not have
await page.evaluate('globalThis.__name = (target) => target');
await page.locator('.tree-row[data-path="calc.ts"]').dblclick();
await page.locator('.monaco-editor .view-line').nth(1).click();
await page.keyboard.press('End');
await page.keyboard.press('ArrowLeft');
await page.keyboard.press('ArrowLeft');

/** Arms a watch in the page: from the next keydown to the frame after the ghost text reads `want` (or, null, any new text). */
async function armWatch(want: string | null): Promise<void> {
  await page.evaluate((want) => {
    const w = window as unknown as {
      ghostWatch?: Promise<{ ms: number; domMs: number; charMs: number; text: string }>;
    };
    const read = () =>
      Array.from(document.querySelectorAll('.monaco-editor .ghost-text-decoration'))
        .map((node) => node.textContent ?? '')
        .join('')
        .replace(/\u00a0/g, ' ');
    const before = read();
    w.ghostWatch = new Promise((resolve) => {
      // never drawn (the suggestion changed under the typed character): no sample, not a hang
      setTimeout(
        () => resolve({ ms: Number.NaN, domMs: Number.NaN, charMs: Number.NaN, text: '' }),
        want === null ? 20_000 : 3_000,
      );
      let t0: number | null = null;
      // the typed character's own drawing: the first change to the editor's lines after the keydown
      let charMs = Number.NaN;
      const lines = new MutationObserver(() => {
        if (t0 === null || !Number.isNaN(charMs)) return;
        charMs = performance.now() - t0;
        lines.disconnect();
      });
      lines.observe(document.querySelector('.monaco-editor .view-lines') as Node, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      document.addEventListener('keydown', () => (t0 = performance.now()), { capture: true, once: true });
      const check = () => {
        const text = read();
        if (t0 === null || !text || (want === null ? text === before : text !== want)) return;
        observer.disconnect();
        const start = t0;
        const domMs = performance.now() - start;
        requestAnimationFrame(() => resolve({ ms: performance.now() - start, domMs, charMs, text }));
      };
      const observer = new MutationObserver(check);
      observer.observe(document.querySelector('.monaco-editor') as Node, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
  }, want);
}

const readWatch = () =>
  page.evaluate(
    () =>
      (window as unknown as { ghostWatch: Promise<{ ms: number; domMs: number; charMs: number; text: string }> })
        .ghostWatch,
  );

const shownMs: number[] = [];
const typedMs: number[] = [];
/** Keydown to the DOM holding the rest (Monaco draws the typed character and the rest in the same frame). */
const typedDomMs: number[] = [];
/** What the rest took beyond the typed character's own drawing (the keystroke's frame, which any key waits for). */
const typedAddedMs: number[] = [];
const prompts: Array<Sent & { tokens: number }> = [];
let skipped = 0;
// warm-up: the model loads and the first keystroke's chunks are fetched
for (let i = -2; i < ROUNDS; i++) {
  await page.keyboard.press('Escape');
  const before = sent.length;
  await armWatch(null);
  await page.keyboard.type(String((i + 10) % 10));
  const shown = await readWatch();
  if (Number.isNaN(shown.ms)) {
    // the model's text was all trimmed away at this place (a line break first, mid-line): no sample
    progress(`round ${i + 1}: no suggestion shown`);
    skipped += 1;
    continue;
  }
  if (sent.length !== before + 1) throw new Error(`round ${i}: ${sent.length - before} requests for one keystroke`);
  await page.waitForTimeout(30);
  let typed: number | null = null;
  if (shown.text.length > 1 && shown.text[0] !== ' ') {
    await armWatch(shown.text.slice(1));
    await page.keyboard.type(shown.text[0] as string);
    const through = await readWatch();
    typed = Number.isNaN(through.ms) ? null : through.ms;
    if (typed !== null && i >= 0) {
      typedDomMs.push(through.domMs);
      typedAddedMs.push(Math.max(0, through.domMs - (Number.isNaN(through.charMs) ? 0 : through.charMs)));
    }
    await page.keyboard.press('Backspace');
  }
  if (i < 0) continue;
  const prompt = sent[sent.length - 1] as Sent;
  prompts.push({ ...prompt, tokens: tokensOut[tokensOut.length - 1] ?? 1 });
  shownMs.push(shown.ms);
  if (typed !== null) typedMs.push(typed);
  progress(`round ${i + 1}: ghost text ${shown.ms.toFixed(1)} ms, typed-through ${typed?.toFixed(1) ?? '-'} ms`);
}
await browser.close();
await engine.stop();

// raw node-llama-cpp infill of the same prompts, the same model, on the CPU
const { getLlama, LlamaCompletion, LlamaLogLevel } = await import('node-llama-cpp');
const llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
// as the engine's local provider runs it on the CPU: every core's thread, greedy
const context = await model.createContext({ contextSize: { max: 4096 }, threads: availableParallelism() });
const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
const rawMs: number[] = [];
await completion.generateInfillCompletion('const a = ', ';\n', { maxTokens: 2 });
for (const prompt of prompts) {
  const start = performance.now();
  await completion.generateInfillCompletion(prompt.prefix, prompt.suffix, {
    maxTokens: Math.max(1, prompt.tokens),
    temperature: 0,
  });
  rawMs.push(performance.now() - start);
}
await context.dispose();
await model.dispose();
rmSync(workspace, { recursive: true, force: true });
rmSync(uiDir, { recursive: true, force: true });

const added = shownMs.map((ms, i) => ms - (rawMs[i] ?? 0));
const p50Added = median(added);
const p95Added = percentile(added, 95);
const typedP50 = typedMs.length > 0 ? median(typedMs) : Number.NaN;
const typedAddedP50 = typedAddedMs.length > 0 ? median(typedAddedMs) : Number.NaN;
report({
  name: 'completion_latency',
  value: round(median(shownMs), 1),
  unit: 'ms',
  baseline: round(median(rawMs), 1),
  ratio: round(median(shownMs) / median(rawMs)),
  goal: 'keystroke -> ghost text: added p50 <= 15 ms, p95 <= 30 ms over raw node-llama-cpp infill; typed-through hit p50 <= 5 ms beyond the typed character',
  pass: p50Added <= 15 && p95Added <= 30 && typedAddedP50 <= 5,
  p50_added_ms: round(p50Added, 1),
  p95_added_ms: round(p95Added, 1),
  p50_added_beyond_monaco_ms: round(p50Added - MONACO_DEBOUNCE_MS, 1),
  p95_added_beyond_monaco_ms: round(p95Added - MONACO_DEBOUNCE_MS, 1),
  typed_through_p50_ms: round(typedP50, 1),
  typed_through_dom_p50_ms: round(typedDomMs.length > 0 ? median(typedDomMs) : Number.NaN, 1),
  // the hit's own cost: the rest in the DOM after the typed character is (0 when both are in one frame)
  typed_through_added_p50_ms: round(typedAddedP50, 1),
  typed_through_samples: typedMs.length,
  raw_p50_ms: round(median(rawMs), 1),
  rounds: shownMs.length,
  rounds_without_suggestion: skipped,
  load_average_1m: round(loadavg()[0] ?? 0, 2),
});
