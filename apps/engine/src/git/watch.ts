// Hears the repository change outside the work tree (the index, HEAD, refs: a commit, a stage, a checkout made in a
// terminal) and reports it once per burst, so the UI reads git.status again. A status that refreshed the index
// echoes once; the status read for that echo has nothing to refresh, so it stops there.
import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

const SETTLE_MS = 100;

export class RepositoryWatcher {
  private watchers: FSWatcher[] = [];
  private dir: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly onDidChange: () => void) {}

  watch(gitDir: string): void {
    if (this.dir === gitDir) return;
    this.close();
    this.dir = gitDir;
    for (const dir of [gitDir, join(gitDir, 'refs', 'heads')]) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name?.endsWith('.lock')) return;
          this.schedule();
        });
        watcher.on('error', () => watcher.close()); // the folder went (repository deleted): nothing more to hear
        this.watchers.push(watcher);
      } catch {
        // refs/heads may not exist (packed refs only); the git dir's own events still come
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onDidChange();
    }, SETTLE_MS);
    this.timer.unref();
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    this.dir = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
