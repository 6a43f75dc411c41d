// Indexing is background work: its threads (and onnxruntime's threads, which inherit the priority of the thread that
// starts them) run at a lower priority, so a busy laptop gives the engine's own thread, the editor and the completion
// model the cores first. Linux sets priority per thread (the thread's id is in /proc/thread-self); elsewhere the
// thread keeps the process's priority.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's priority to BACKGROUND_NICE where the system allows it. */
export function runInBackground(): void {
  try {
    const self = readlinkSync('/proc/thread-self');
    const threadId = Number(self.slice(self.lastIndexOf('/') + 1));
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, BACKGROUND_NICE);
  } catch {
    // no /proc (macOS, Windows) or not allowed: the normal priority
  }
}
