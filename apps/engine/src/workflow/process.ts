// Runs one command for a `run` step: its own process group (so cancel and timeout kill the whole tree), output kept
// up to a bound per stream with a visible marker, every chunk forwarded live for the log.
import { directLauncher, type Launcher } from './launcher.js';

/** Bytes kept per stream (stdout, stderr); the rest is counted, not stored. */
export const OUTPUT_LIMIT = 1024 * 1024;
/** How long a killed group gets between SIGTERM and SIGKILL: short, so a cancel ends the run within a second. */
const KILL_GRACE_MS = 500;

export interface ProcessRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  outputLimit?: number;
  /** Who starts the process (the engine's helper, or a direct spawn). */
  launcher?: Launcher;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

export function truncationMarker(dropped: number): string {
  return `\n[… output truncated: ${dropped} more bytes not kept …]\n`;
}

class BoundedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? body + truncationMarker(this.dropped) : body;
  }
}

export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const started = performance.now();
  const limit = request.outputLimit ?? OUTPUT_LIMIT;
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(abortError());
      return;
    }
    const stdout = new BoundedText(limit);
    const stderr = new BoundedText(limit);
    let pid: number | undefined;
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = () => {
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timeout);
      request.signal?.removeEventListener('abort', onAbort);
    };

    (request.launcher ?? directLauncher)(
      { command: request.command, args: request.args, cwd: request.cwd, env: request.env },
      {
        onStart(started) {
          pid = started;
          // cancelled or timed out before the pid was known
          if (timedOut || cancelled) killGroup();
        },
        onOutput(stream, chunk) {
          (stream === 'stdout' ? stdout : stderr).push(chunk);
          request.onOutput?.(stream, chunk.toString('utf8'));
        },
        onError(error) {
          settle();
          reject(error);
        },
        onExit(code, signal) {
          settle();
          // The leader exited; anything it left behind in its group goes too.
          if (timedOut || cancelled) signalGroup(pid, 'SIGKILL');
          if (killTimer) clearTimeout(killTimer);
          resolve({
            exitCode: code,
            signal,
            stdout: stdout.text(),
            stderr: stderr.text(),
            truncated: stdout.dropped > 0 || stderr.dropped > 0,
            timedOut,
            cancelled,
            durationMs: performance.now() - started,
          });
        },
      },
    );
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function abortError(): Error {
  const error = new Error('The operation was cancelled.');
  error.name = 'AbortError';
  return error;
}
