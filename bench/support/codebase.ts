// Helpers of the codebase index benchmarks: waiting on the engine's index, and where its SQLite file is.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexStatus, RpcClient } from '@pa/shared';

/** The index file the engine keeps for `root` in `dataDir` (apps/engine/src/codebase/index.ts names it so). */
export function indexFileOf(dataDir: string, root: string): string {
  const real = realpathSync(root);
  return join(dataDir, 'index', `${createHash('sha256').update(real).digest('hex').slice(0, 20)}.sqlite`);
}

/** Resolves with the first `codebase.changed` (or current status) that `done` accepts. */
export function untilStatus(
  client: RpcClient,
  done: (status: IndexStatus) => boolean,
  onProgress?: (status: IndexStatus) => void,
): Promise<IndexStatus> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const subscription = client.on('codebase.changed', (status) => {
      onProgress?.(status);
      if (!finished && done(status)) finish(status);
    });
    const finish = (status: IndexStatus) => {
      finished = true;
      subscription.dispose();
      clearInterval(poll);
      resolve(status);
    };
    // events carry progress; a poll catches a state reached before the subscription
    const poll = setInterval(() => {
      client.call('codebase.status').then(
        (status) => {
          if (!finished && done(status)) finish(status);
        },
        (error: unknown) => {
          finished = true;
          subscription.dispose();
          clearInterval(poll);
          reject(error);
        },
      );
    }, 500);
  });
}

/** Every file indexed and every chunk embedded. */
export const complete = (minimumChunks: number) => (status: IndexStatus) =>
  status.state === 'ready' &&
  status.chunks >= minimumChunks &&
  status.embedded === status.chunks &&
  status.embeddingModel !== null;
