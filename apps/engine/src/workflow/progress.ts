// What one reader of `workflow.attach` is sent: the run's snapshot, then its progress through a Channel that never
// makes the run wait. When the reader falls behind, the queue folds new items into the ones it has not read yet
// (the newest run state and the newest state of each step replace older ones, a step's log text joins its queued
// log item up to a bound), so a slow or stalled reader costs a bounded queue and the run goes on at its own pace.
import type { RunDetail, RunRecord, WorkflowProgress } from '@pa/shared';
import { Channel } from '../rpc/channel.js';

/** Items queued for a reader before new ones are folded into them. */
export const PROGRESS_HIGH_WATER = 64;
/** The most log text one queued item holds: a reader this far behind gets the newest part of it. */
export const MAX_QUEUED_LOG = 64 * 1024;

export type ProgressReader = Channel<WorkflowProgress, RunRecord>;

/** A reader's channel, its first item the run as it stood when the reader joined. */
export function progressReader(snapshot: RunDetail): ProgressReader {
  const reader: ProgressReader = new Channel({ highWaterMark: PROGRESS_HIGH_WATER, merge: coalesceProgress });
  reader.push({ type: 'snapshot', run: snapshot });
  return reader;
}

/**
 * Folds `item` into a full queue and returns true, or returns false to queue it as it is. The queue grows past the
 * high-water mark by at most one run state and two items per step (a state, and the log text after it).
 * Queued items may be shared with other readers' queues: they are replaced, never changed.
 */
export function coalesceProgress(queue: WorkflowProgress[], item: WorkflowProgress): boolean {
  switch (item.type) {
    case 'snapshot':
      return false;
    case 'run':
      return replaceLast(queue, item, (queued) => queued.type === 'run');
    case 'step':
      return replaceLast(queue, item, (queued) => queued.type === 'step' && queued.step.seq === item.step.seq);
    case 'log':
      for (let index = queue.length - 1; index >= 0; index--) {
        const queued = queue[index] as WorkflowProgress;
        if (queued.type === 'log' && queued.seq === item.seq) {
          queue[index] = { ...queued, text: newest(queued.text + item.text) };
          return true;
        }
        // a state of the step after its queued text: the new text belongs after that state
        if (queued.type === 'step' && queued.step.seq === item.seq) return false;
      }
      return false;
  }
}

/** Drops the last queued item that `matches` and queues `item` at the end, where the newest state belongs. */
function replaceLast(
  queue: WorkflowProgress[],
  item: WorkflowProgress,
  matches: (queued: WorkflowProgress) => boolean,
): boolean {
  for (let index = queue.length - 1; index >= 0; index--) {
    if (!matches(queue[index] as WorkflowProgress)) continue;
    queue.splice(index, 1);
    queue.push(item);
    return true;
  }
  return false;
}

/** Over the bound, the newest half of it: cut once per half a bound of text, not at every line. */
function newest(text: string): string {
  return text.length > MAX_QUEUED_LOG ? text.slice(text.length - MAX_QUEUED_LOG / 2) : text;
}
