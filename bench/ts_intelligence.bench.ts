// ts_intelligence: TypeScript intelligence in the product (Chromium against the built UI, browser mode) on the
// checkout's own sources (559 .ts/.tsx files and the typings they use), against the same requests to tsserver
// (node_modules/typescript) in the same run. Figures: the first hover after opening a file (file open, the service's
// lazy load, the project's stream and the worker's first program, until the hover shows the imported type), p95 of
// later hovers, go-to-definition p95 (F12 into another file until its tab shows), and the time from the end of typing
// an error until its squiggle shows. Each is timed in the page's clock, from the input event to the frame the result
// shows in (Playwright's own waits poll at up to 500 ms and measured mostly that). Goals (issue 14): first hover ≤ 2 s, hovers and definitions p95 ≤ 100 ms,
// diagnostics ≤ 500 ms. The sources are a pinned copy, not the live checkout (which others edit while this runs):
// `git archive` of one commit (PA_BENCH_TS_COMMIT, default HEAD) into a temp folder, with node_modules hard-linked
// beside it; the product and tsserver read the same copy. The edits stay in the editor's buffer.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { repoRoot, uiDist } from '../scripts/paths.js';
import { startEngine } from '../tests/support/engine.js';
import { launchChromium, openWorkbench } from './support/chromium.js';
import { median, percentile, progress, report, round } from './support/report.js';

const FILE = 'packages/ui/src/workbench/controller.ts';
const HOVERS = Number(process.env.PA_BENCH_HOVERS ?? 20);
const FIRST_HOVER_PATIENCE_MS = 90_000;
const DEFINITIONS = Number(process.env.PA_BENCH_DEFINITIONS ?? 12);
const EDITS = Number(process.env.PA_BENCH_EDITS ?? 5);
const COMMIT =
  process.env.PA_BENCH_TS_COMMIT ?? execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot }).toString().trim();
const sources = mkdtempSync(join(tmpdir(), 'pa-bench-ts-src-'));
execFileSync('sh', ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', repoRoot, COMMIT, sources]);
// hard links: inside the copy for the engine's confinement (a symlink out would be refused), and no bytes copied
execFileSync('cp', ['-al', join(repoRoot, 'node_modules'), join(sources, 'node_modules')]);
process.on('exit', () => rmSync(sources, { recursive: true, force: true }));
progress(`sources: ${COMMIT.slice(0, 10)} in ${sources}`);
const text = readFileSync(join(sources, FILE), 'utf8');
const lines = text.split('\n');

interface Spot {
  line: number;
  column: number;
  /** Text the hover must show (the type comes from another file). */
  expect: string;
  /** For definitions: the file F12 lands in. */
  target?: string;
}

/** The first `count` places `word` occurs as a whole identifier followed by `after`. */
function spots(word: string, after: string, expect: string, count: number, target?: string): Spot[] {
  const found: Spot[] = [];
  const pattern = new RegExp(`\\b${word}${after.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  lines.forEach((line, index) => {
    const at = line.search(pattern);
    if (at >= 0 && found.length < count && !line.trimStart().startsWith('import')) {
      found.push({ line: index + 1, column: at + 2, expect, ...(target ? { target } : {}) });
    }
  });
  return found;
}

const hoverSpots = [
  ...spots('documents', '.', 'Documents', 8),
  ...spots('notify', '(', 'notify', 4),
  ...spots('errorMessage', '(', 'errorMessage', 4),
  ...spots('dispatchTabs', '(', 'dispatchTabs', 4),
].slice(0, HOVERS);
const definitionSpots = [
  ...spots('Documents', '(', 'Documents', 1, 'packages/ui/src/editor/documents.ts'),
  ...spots('fileModelFactory', '(', 'fileModelFactory', 1, 'packages/ui/src/editor/models.ts'),
  ...spots('tabsReducer', '(', 'tabsReducer', 1, 'packages/ui/src/workbench/tabs.ts'),
];
if (hoverSpots.length < 8 || definitionSpots.length < 2) throw new Error(`${FILE} no longer has the bench's symbols`);

// ---- the product ------------------------------------------------------------------------------------------------

/** PA_BENCH_TRACE=1: every request to a web worker and how long its answer took, printed at the end. */
const TRACE = process.env.PA_BENCH_TRACE === '1';
function traceWorkers(): void {
  const log: Array<{ method: string; sent: number; ms: number | null }> = [];
  (window as unknown as { __workerLog: typeof log }).__workerLog = log;
  // the engine's requests too, by id (JSON frames {id, method} and answers {id, result|error})
  const sockets = new Map<string, (typeof log)[number]>();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.length < 100_000) {
      try {
        const m = JSON.parse(data) as { id?: unknown; method?: string };
        if (m.method && m.id !== undefined) {
          const entry = { method: `engine ${m.method}`, sent: performance.now(), ms: null };
          log.push(entry);
          sockets.set(String(m.id), entry);
        }
      } catch {
        // not JSON
      }
    }
    if (!(this as unknown as { __traced?: boolean }).__traced) {
      (this as unknown as { __traced?: boolean }).__traced = true;
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        const id = /^\{"id":("?[^,"]+"?)/.exec(event.data)?.[1]?.replace(/"/g, '');
        const entry = id === undefined ? undefined : sockets.get(id);
        if (entry && entry.ms === null) entry.ms = performance.now() - entry.sent;
      });
    }
    return send.call(this, data as string);
  };
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      const pending = new Map<string, (typeof log)[number]>();
      const post = this.postMessage.bind(this);
      this.postMessage = (message: unknown, transfer?: unknown) => {
        const m = message as { req?: string; method?: string; args?: unknown[] };
        if (m && typeof m === 'object' && m.req && m.method && m.method !== '$ping') {
          // Monaco's proxy: $fmr(method, args) calls the worker's own method
          const method = m.method === '$fmr' ? String(m.args?.[0]) : m.method;
          const entry = { method, sent: performance.now(), ms: null };
          log.push(entry);
          pending.set(m.req, entry);
        }
        return post(message, transfer as Transferable[]);
      };
      this.addEventListener('message', (event) => {
        const m = event.data as { seq?: string };
        const entry = m && typeof m === 'object' && m.seq ? pending.get(m.seq) : undefined;
        if (entry) entry.ms = performance.now() - entry.sent;
      });
    }
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** The functions the page spent most of its own time in (ms). */
function printProfile(profile: CpuProfile): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[index] ?? 0) / 1000);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [key, ms] of top) progress(`profile: ${ms.toFixed(0)} ms ${key}`);
}

async function printTrace(page: Page): Promise<void> {
  if (!TRACE) return;
  const log = await page.evaluate(
    () =>
      (window as unknown as { __workerLog: Array<{ method: string; sent: number; ms: number | null }> }).__workerLog,
  );
  for (const entry of log)
    progress(`worker: ${entry.sent.toFixed(0)} ${entry.method} ${entry.ms?.toFixed(0) ?? 'open'}`);
}

async function goTo(page: Page, spot: { line: number; column: number }): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(`:${spot.line}:${spot.column}`);
  await page.keyboard.press('Enter');
  await page
    .getByTestId('cursor')
    .filter({ hasText: `Ln ${spot.line}, Col ${spot.column}` })
    .waitFor();
}

/** Monaco's hover delay (editor option hover.delay, default): a hover is asked for this long after the mouse stops. */
const HOVER_DELAY_MS = 300;

type Point = { x: number; y: number };

/**
 * Where a character of the editor is on screen: the line found by its number in the gutter (not under the sticky
 * scroll's headers), the character by walking the line's text. Read from the DOM each time: the cursor element's box
 * may still be the last position's until the editor has drawn.
 */
function characterAt(page: Page, spot: { line: number; column: number }): Promise<Point | null> {
  return page.evaluate(({ line, column }) => {
    // (no named helpers in here: tsx would wrap them in a __name the page does not have)
    const number = Array.from(document.querySelectorAll('.monaco-editor .line-numbers')).find(
      (element) => !element.closest('.sticky-widget') && element.textContent?.trim() === String(line),
    );
    if (!number) return null;
    const top = number.getBoundingClientRect().top;
    const row = Array.from(document.querySelectorAll('.monaco-editor .view-lines .view-line')).find(
      (element) => !element.closest('.sticky-widget') && Math.abs(element.getBoundingClientRect().top - top) < 2,
    );
    if (!row) return null;
    let remaining = column - 1;
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (remaining < node.length) {
        const range = document.createRange();
        range.setStart(node, remaining);
        range.setEnd(node, remaining + 1);
        const box = range.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      remaining -= node.length;
    }
    return null;
  }, spot);
}

/** The character's place once two readings a frame apart agree (the editor stopped scrolling and drew). */
async function settledCharacter(page: Page, spot: { line: number; column: number }): Promise<Point> {
  let last: Point | null = null;
  for (let i = 0; i < 200; i++) {
    const point = await characterAt(page, spot);
    if (point && last && point.x === last.x && point.y === last.y) return point;
    last = point;
    await page.waitForTimeout(16);
  }
  throw new Error(`line ${spot.line} never settled on screen`);
}

/**
 * Scrolls the spot's line to the middle of the editor (a line near the top hides under the sticky scroll's
 * headers, where pointing at it hovers the header) and returns where its character is then.
 */
async function centredCharacter(page: Page, spot: { line: number; column: number }): Promise<Point> {
  const editor = await page.locator('.monaco-editor .overflow-guard').first().boundingBox();
  if (!editor) throw new Error('no editor on screen');
  const point = await settledCharacter(page, spot);
  const middle = editor.y + editor.height / 2;
  if (Math.abs(point.y - middle) < 60) return point;
  await page.mouse.move(editor.x + editor.width / 2, middle);
  await page.mouse.wheel(0, point.y - middle);
  return settledCharacter(page, spot);
}

/** Waits until no hover widget shows (at most 2 s). */
async function hoverHidden(page: Page): Promise<void> {
  const visible = page.locator('.monaco-hover:visible');
  for (let i = 0; i < 125 && (await visible.count()) > 0; i++) await page.waitForTimeout(16);
}

/**
 * Times, in the page's own clock, from an input event to the moment an element matching `selector` (and holding
 * `text`, when given) is laid out and visible: each DOM change and each frame are checked, so the figure is when the
 * user saw it — not when Playwright's polling (which backs off to 500 ms between checks) next looked.
 */
function armProbe(page: Page, probe: { selector: string; text?: string; input: 'mousemove' | 'keydown' }) {
  // a string, not a function: tsx wraps the page function's named helpers in a __name the page does not have
  return page.evaluate(`(${PROBE_SCRIPT})(${JSON.stringify(probe)})`);
}

const PROBE_SCRIPT = `({ selector, text, input }) => {
  window.__probe?.stop();
  const state = { input: null, shown: null, stop: () => {} };
  const onInput = (event) => { state.input = event.timeStamp; };
  const check = () => {
    if (state.shown !== null || state.input === null) return;
    for (const element of document.querySelectorAll(selector)) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      if (text && !(element.textContent ?? '').includes(text)) continue;
      state.shown = performance.now();
      state.stop();
      return;
    }
  };
  const observer = new MutationObserver(check);
  let frame = 0;
  const tick = () => {
    check();
    if (state.shown === null) frame = requestAnimationFrame(tick);
  };
  state.stop = () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
    document.removeEventListener(input, onInput, true);
  };
  document.addEventListener(input, onInput, true);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  frame = requestAnimationFrame(tick);
  window.__probe = state;
}`;

/** The probe's reading once it saw the element: [input event, shown] in page time, or null before `timeoutMs`. */
async function probeReading(page: Page, timeoutMs: number): Promise<{ input: number; shown: number } | null> {
  try {
    await page.waitForFunction(
      () => (window as unknown as { __probe?: { shown: number | null } }).__probe?.shown != null,
      undefined,
      { polling: 'raf', timeout: timeoutMs },
    );
  } catch {
    return null;
  }
  return page.evaluate(() => {
    const probe = (window as unknown as { __probe: { input: number; shown: number } }).__probe;
    return { input: probe.input, shown: probe.shown };
  });
}

/**
 * Points the mouse at the spot's character until the hover shows `expect`: ms from the mouse's last move (the event
 * Monaco's hover reacts to) to the hover showing the text, less Monaco's deliberate hover delay (what is left is
 * the service's answer and its drawing), and the page time it showed at.
 */
async function hover(page: Page, spot: Spot, patienceMs: number): Promise<{ ms: number; shownAt: number }> {
  const expect = spot.expect;
  const target = await centredCharacter(page, spot);
  // the last hover gone first: a hover still showing (Monaco keeps it hidingDelay = 300 ms after the mouse left, for
  // sticky hovers) makes the next one wait that long again before it computes, a deliberate delay like hover.delay
  await page.mouse.move(5, 5);
  await hoverHidden(page);
  const started = performance.now();
  for (;;) {
    await page.mouse.move(5, 5);
    await armProbe(page, { selector: '.monaco-hover', text: expect, input: 'mousemove' });
    await page.mouse.move(target.x, target.y);
    const reading = await probeReading(page, 3_000);
    if (reading) return { ms: reading.shown - reading.input - HOVER_DELAY_MS, shownAt: reading.shown };
    // not yet (the service or the project still loading): point again
    if (performance.now() - started > patienceMs) {
      await page.screenshot({ path: 'test-results/ts-intelligence-failure.png' });
      progress(`status: ${await page.getByTestId('typescript-status').getAttribute('title')}`);
      throw new Error(`no hover with "${expect}" (test-results/ts-intelligence-failure.png)`);
    }
  }
}

async function product() {
  // a private copy of the built UI (PA_UI_DIR names another build), so a `build ui` meanwhile cannot empty it
  const uiDir = mkdtempSync(join(tmpdir(), 'pa-bench-ts-ui-'));
  cpSync(process.env.PA_UI_DIR ?? uiDist, uiDir, { recursive: true });
  const engine = await startEngine({ workspace: sources, uiDir });
  // the engine's error lines, for a figure that could not be taken
  const engineErrors: string[] = [];
  engine.process.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.includes('"error"')) engineErrors.push(line.slice(0, 2000));
  });
  const browser = await launchChromium();
  try {
    const page = await openWorkbench(browser, engine);
    // the TypeScript worker starts with the first TS file, after this
    if (TRACE) await page.evaluate(traceWorkers);
    await page.locator('.tree-row').first().waitFor();

    // PA_BENCH_TRACE: the page's main thread profiled until the first hover (what it does meanwhile)
    const cdp = TRACE ? await page.context().newCDPSession(page) : null;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    // first hover: from opening the file until a hover shows a type from another file
    const opened = await page.evaluate(() => performance.now());
    await page.keyboard.press('Control+P');
    await page.keyboard.type(FILE);
    await page.locator('.picker__item, [role="option"]').first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.tab[data-path="${FILE}"][aria-selected="true"]`).waitFor();
    const first = hoverSpots[0] as Spot;
    await goTo(page, first);
    const firstHoverMs = (await hover(page, first, FIRST_HOVER_PATIENCE_MS)).shownAt - opened;
    if (TRACE) progress(`trace: page time at first hover ${await page.evaluate(() => performance.now().toFixed(0))}`);
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
    if (TRACE) {
      // the marks the TypeScript feature leaves on its way (controller.ts)
      const marks = await page.evaluate(() =>
        performance
          .getEntriesByType('mark')
          .filter((mark) => mark.name.startsWith('typescript:'))
          .map((mark) => `${mark.name} ${mark.startTime.toFixed(0)}`),
      );
      for (const mark of marks) progress(`mark: ${mark}`);
    }
    progress(`product: first hover ${firstHoverMs.toFixed(0)} ms`);

    const hovers: number[] = [];
    for (const spot of hoverSpots) {
      await goTo(page, spot);
      hovers.push((await hover(page, spot, 30_000)).ms);
      await page.mouse.move(5, 5);
    }
    progress(
      `product: hover p95 ${percentile(hovers, 95).toFixed(1)} ms over ${hovers.length}: ${hovers.map((ms) => ms.toFixed(0)).join(' ')}`,
    );

    const definitions: number[] = [];
    for (let i = 0; i < DEFINITIONS; i++) {
      const spot = definitionSpots[i % definitionSpots.length] as Spot;
      await page.locator(`.tab[data-path="${FILE}"]`).click();
      await goTo(page, spot);
      // from the F12 key event until the target's tab is selected
      await armProbe(page, { selector: `.tab[data-path="${spot.target}"][aria-selected="true"]`, input: 'keydown' });
      await page.keyboard.press('F12');
      const reading = await probeReading(page, 10_000);
      if (!reading) throw new Error(`F12 on ${spot.expect} did not open ${spot.target}`);
      definitions.push(reading.shown - reading.input);
      if (TRACE) progress(`trace: tab at page time ${await page.evaluate(() => performance.now().toFixed(0))}`);
      await page.locator(`.tab[data-path="${spot.target}"] .tab__close`).click();
    }
    progress(
      `product: definition p95 ${percentile(definitions, 95).toFixed(1)} ms over ${definitions.length}: ${definitions.map((ms) => ms.toFixed(0)).join(' ')}`,
    );

    // diagnostics: an error typed at the end of the file, until its squiggle shows (then the line is deleted again)
    await page.locator(`.tab[data-path="${FILE}"]`).click();
    const diagnostics: number[] = [];
    const squiggles = () => page.evaluate(() => document.querySelectorAll('.monaco-editor .squiggly-error').length);
    for (let i = 0; i < EDITS; i++) {
      await goTo(page, { line: lines.length, column: 1 });
      const before = await squiggles();
      await page.keyboard.type(`const benchProbe${i}: string = ${i};`);
      const started = performance.now();
      await page.waitForFunction(
        (count) => document.querySelectorAll('.monaco-editor .squiggly-error').length > count,
        before,
        { polling: 'raf' },
      );
      diagnostics.push(performance.now() - started);
      // the line goes again (Escape first: a completion list may be open)
      await page.keyboard.press('Escape');
      await page.keyboard.press('Home');
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('Delete');
      await page.waitForFunction(
        (count) => document.querySelectorAll('.monaco-editor .squiggly-error').length <= count,
        before,
      );
    }
    progress(
      `product: diagnostics median ${median(diagnostics).toFixed(0)} ms over ${diagnostics.length}: ${diagnostics.map((ms) => ms.toFixed(0)).join(' ')}`,
    );
    await printTrace(page);
    return { firstHoverMs, hovers, definitions, diagnostics };
  } catch (error) {
    for (const line of engineErrors) progress(`engine: ${line}`);
    throw error;
  } finally {
    await browser.close();
    await engine.stop();
    rmSync(uiDir, { recursive: true, force: true });
  }
}

// ---- tsserver ---------------------------------------------------------------------------------------------------

class TsServer {
  private readonly child: ChildProcess;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (body: unknown) => void>();
  private readonly events: Array<{ event: string; resolve: () => void }> = [];

  constructor() {
    const tsserver = createRequire(import.meta.url).resolve('typescript/lib/tsserver.js');
    this.child = spawn(process.execPath, [tsserver, '--disableAutomaticTypingAcquisition'], {
      cwd: sources,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())?.[1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString()) as {
        type: string;
        request_seq?: number;
        event?: string;
        body?: unknown;
      };
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.type === 'response' && message.request_seq !== undefined) {
        this.waiting.get(message.request_seq)?.(message.body);
        this.waiting.delete(message.request_seq);
      } else if (message.type === 'event') {
        const at = this.events.findIndex((wanted) => wanted.event === message.event);
        if (at >= 0) this.events.splice(at, 1)[0]?.resolve();
      }
    }
  }

  request(command: string, args: unknown): Promise<unknown> {
    const seq = ++this.seq;
    const answer = new Promise<unknown>((resolve) => this.waiting.set(seq, resolve));
    this.child.stdin?.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    return answer;
  }

  /** Sends without an answer (open, change, geterr answer with events or nothing). */
  send(command: string, args: unknown): void {
    this.child.stdin?.write(`${JSON.stringify({ seq: ++this.seq, type: 'request', command, arguments: args })}\n`);
  }

  event(name: string): Promise<void> {
    return new Promise((resolve) => this.events.push({ event: name, resolve }));
  }

  close(): void {
    this.child.kill();
  }
}

async function tsserver() {
  const server = new TsServer();
  const file = join(sources, FILE);
  const at = (spot: Spot) => ({ file, line: spot.line, offset: spot.column });
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  try {
    const first = hoverSpots[0] as Spot;
    const firstHoverMs = await timed(async () => {
      server.send('open', { file });
      await server.request('quickinfo', at(first));
    });
    const hovers: number[] = [];
    for (const spot of hoverSpots) hovers.push(await timed(() => server.request('quickinfo', at(spot))));
    const definitions: number[] = [];
    for (let i = 0; i < DEFINITIONS; i++) {
      const spot = definitionSpots[i % definitionSpots.length] as Spot;
      definitions.push(await timed(() => server.request('definition', at(spot))));
    }
    const diagnostics: number[] = [];
    const end = { line: lines.length, offset: 1 };
    for (let i = 0; i < EDITS; i++) {
      const insert = `const benchProbe${i}: string = ${i};`;
      server.send('change', { file, ...end, endLine: end.line, endOffset: end.offset, insertString: insert });
      diagnostics.push(
        await timed(async () => {
          const semantic = server.event('semanticDiag');
          server.send('geterr', { files: [file], delay: 0 });
          await semantic;
        }),
      );
      server.send('change', {
        file,
        ...end,
        endLine: end.line,
        endOffset: end.offset + insert.length,
        insertString: '',
      });
    }
    return { firstHoverMs, hovers, definitions, diagnostics };
  } finally {
    server.close();
  }
}

const ours = await product();
const theirs = await tsserver();
progress(
  `tsserver: first hover ${theirs.firstHoverMs.toFixed(0)} ms, hover p95 ${percentile(theirs.hovers, 95).toFixed(1)} ms`,
);

const figures = {
  first_hover_ms: [ours.firstHoverMs, theirs.firstHoverMs, 2000],
  hover_p95_ms: [percentile(ours.hovers, 95), percentile(theirs.hovers, 95), 100],
  definition_p95_ms: [percentile(ours.definitions, 95), percentile(theirs.definitions, 95), 100],
  diagnostics_ms: [median(ours.diagnostics), median(theirs.diagnostics), 500],
} as const;
const line: Record<string, number> = {};
for (const [name, [value, baseline]] of Object.entries(figures)) {
  line[name] = round(value, 1);
  line[`tsserver_${name}`] = round(baseline, 1);
  line[`ratio_${name.replace(/_ms$/, '')}`] = round(value / baseline, 2);
}
report({
  name: 'ts_intelligence',
  value: line.first_hover_ms as number,
  unit: 'ms',
  baseline: line.tsserver_first_hover_ms as number,
  ratio: line.ratio_first_hover as number,
  goal: 'first hover <= 2000 ms, hover and definition p95 <= 100 ms, diagnostics <= 500 ms (baseline: tsserver, same requests, same run)',
  pass: Object.values(figures).every(([value, , goal]) => value <= goal),
  ...line,
  file: FILE,
  commit: COMMIT,
  hovers: ours.hovers.length,
  definitions: ours.definitions.length,
  edits: ours.diagnostics.length,
});
