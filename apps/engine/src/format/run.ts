// Runs one formatter: `process.execPath` on the package's JS entry (never a shell), the document on stdin, in its
// own process group (so a formatter's helpers, Biome's native binary, end with it), held by the watchdog so it dies
// with the engine. A time limit and an output limit bound it; past either, or on cancel, the whole group is killed.
import { spawn } from 'node:child_process';
import { ErrorCode, PaError } from '@pa/shared';
import type { SessionWatchdog } from '../terminal/api.js';

export interface RunLimits {
  timeoutMs: number;
  maxOutputBytes: number;
}

/** Most stderr kept for the error message. */
const MAX_STDERR_BYTES = 64 * 1024;

export interface RunRequest {
  entry: string;
  args: string[];
  cwd: string;
  input: string;
  env: NodeJS.ProcessEnv;
  limits: RunLimits;
  watchdog: SessionWatchdog;
  signal: AbortSignal;
  /** Names the formatter in errors ("Prettier"). */
  label: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has already gone
  }
}

export function runFormatter(request: RunRequest): Promise<RunResult> {
  const { label, limits, signal, watchdog } = request;
  return new Promise<RunResult>((resolve, reject) => {
    if (signal.aborted) {
      reject(new PaError(ErrorCode.CANCELLED, `${label} was cancelled.`));
      return;
    }
    const child = spawn(process.execPath, [request.entry, ...request.args], {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
      windowsHide: true,
    });
    const pid = child.pid;
    if (pid !== undefined) watchdog.watch(pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failure: PaError | null = null;

    const stop = (error: PaError) => {
      failure ??= error;
      killGroup(pid);
    };
    const timer = setTimeout(
      () => stop(new PaError(ErrorCode.TIMEOUT, `${label} did not finish within ${limits.timeoutMs / 1000} s.`)),
      limits.timeoutMs,
    );
    const onAbort = () => stop(new PaError(ErrorCode.CANCELLED, `${label} was cancelled.`));
    signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.maxOutputBytes) {
        stop(
          new PaError(
            ErrorCode.TOO_LARGE,
            `${label} printed more than ${Math.round(limits.maxOutputBytes / 1024)} KiB for this document; it was stopped.`,
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes >= MAX_STDERR_BYTES) return;
      stderrBytes += chunk.length;
      stderr.push(chunk);
    });
    // a formatter that exits before reading all of stdin is an ordinary failure, reported by its exit
    child.stdin.on('error', () => {});
    child.stdin.end(request.input);

    child.once('error', (error) => {
      stop(new PaError(ErrorCode.UNAVAILABLE, `${label} could not be started: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // helpers it left behind in its group go with it
      killGroup(pid);
      if (pid !== undefined) watchdog.forget(pid);
      if (failure) {
        reject(failure);
        return;
      }
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8').slice(0, MAX_STDERR_BYTES),
      });
    });
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what it removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** Box-drawing and the marks Biome's diagnostics print around the message. */
const DECORATION = /[━─│┃┌┐└┘├┤┬┴┼×✖⚠ℹ]+/g;

/**
 * The formatter's stderr as one readable line: "Prettier: SyntaxError: ';' expected. (3:5)",
 * "Biome: expected `,` but instead found `;` (3:5)". The file's own path is left out (the editor shows it).
 */
export function readableError(label: string, stderr: string, path: string, code: number | null): string {
  const lines = stderr
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((line) => line.replace(/^\[error\]\s*/, '').trim())
    .filter((line) => line.length > 0 && !/^\[error\]$/.test(line));
  let position = '';
  const messages: string[] = [];
  for (const line of lines) {
    const located = /^(.*?):(\d+):(\d+)\s/.exec(`${line} `);
    if (located && !position && located[1]?.endsWith(path)) {
      position = ` (${located[2]}:${located[3]})`;
      continue;
    }
    // code frames ("> 3 | …", "  | ^") are not the message
    if (/^(>?\s*\d+\s*[|│]|[|│])/.test(line)) continue;
    const text = line.replace(`${path}: `, '').replace(DECORATION, '').trim();
    if (text) messages.push(text);
    if (messages.length === 1) break;
  }
  const message = messages[0] ?? `it exited with code ${code ?? 'unknown'}`;
  return `${label}: ${message.slice(0, 500)}${position && !message.includes(position.trim()) ? position : ''}`;
}
