// ipull (node-llama-cpp's downloader underneath) chains `promise.then(onFulfilled)` on each parallel slice without a
// rejection handler (base-download-program.js), so a slice that fails — a server that cuts the body short, answers
// 416 or goes away mid-download — rejects a promise nobody handles, and Node ends the process on that. The same
// failure also reaches the download() the pull awaits, which reports it. While a download runs, this guard drops
// those duplicate rejections (only ones raised inside ipull's own files); every other unhandled rejection is
// rethrown from the listener, which ends the process exactly as Node's default would.
import { sep } from 'node:path';

let active = 0;
let log: ((line: Record<string, unknown>) => void) | null = null;

function fromIpull(reason: unknown): boolean {
  const stack = reason instanceof Error ? reason.stack : undefined;
  if (!stack) return false;
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  return frames.length > 0 && frames.some((line) => line.includes(`${sep}node_modules${sep}ipull${sep}`));
}

function listener(reason: unknown): void {
  if (fromIpull(reason)) {
    log?.({ level: 'warn', msg: 'download slice failed (reported by the pull)', error: String(reason) });
    return;
  }
  throw reason;
}

/**
 * Installs the guard (once per process, counted); the returned function removes it. The models capability holds it
 * from its first pull to its disposal: a slice retried in the background can fail long after its pull ended.
 */
export function installIpullGuard(writeLog: (line: Record<string, unknown>) => void): () => void {
  if (active++ === 0) process.on('unhandledRejection', listener);
  log = writeLog;
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (--active === 0) {
      process.off('unhandledRejection', listener);
      log = null;
    }
  };
}
