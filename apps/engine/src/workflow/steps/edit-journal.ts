// An edit step's files change as one operation: before the first write, the old contents of every file go into
// a journal in the engine's data dir; after the last, the journal goes. A write that fails rolls the files back
// at once; a crash leaves the journal, and the next engine to find its owner dead rolls the files back then. So a
// re-run of an interrupted edit step meets the files as they were, never half of the change.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../files/index.js';

export interface JournalledWrite {
  /** Workspace-relative, for the target's own write (which confines it and tells the watcher). */
  path: string;
  /** Where it resolved to when planned: what a rollback after a crash restores. */
  absolute: string;
  /** The new text; null deletes the file. */
  content: string | null;
  /** The text before; null when the file did not exist. */
  original: string | null;
}

export interface JournalTarget {
  write(rel: string, content: string): Promise<unknown>;
  remove(rel: string): Promise<void>;
}

const JournalFile = z.object({
  owner: z.string(),
  files: z.array(z.object({ absolute: z.string(), original: z.string().nullable() })),
});

export interface EditJournal {
  apply(writes: readonly JournalledWrite[], target: JournalTarget): Promise<void>;
  /** Rolls back the journals of engines that are gone; answers the files restored. */
  recover(isAlive: (owner: string) => boolean): string[];
}

export function createEditJournal(dir: string, owner: string): EditJournal {
  return {
    async apply(writes, target) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${owner}.${randomUUID()}.json`);
      const entry = { owner, files: writes.map(({ absolute, original }) => ({ absolute, original })) };
      writeFileAtomic(file, JSON.stringify(entry));
      try {
        for (const write of writes) {
          if (write.content === null) await target.remove(write.path);
          else await target.write(write.path, write.content);
        }
      } catch (error) {
        rollBack(entry.files);
        rmSync(file, { force: true });
        throw error;
      }
      rmSync(file, { force: true });
    },
    recover(isAlive) {
      const restored: string[] = [];
      let names: string[];
      try {
        names = readdirSync(dir).filter((name) => name.endsWith('.json'));
      } catch {
        return restored;
      }
      for (const name of names) {
        const path = join(dir, name);
        const parsed = JournalFile.safeParse(parseJson(path));
        if (parsed.success && isAlive(parsed.data.owner)) continue;
        if (parsed.success) {
          rollBack(parsed.data.files);
          restored.push(...parsed.data.files.map((entry) => entry.absolute));
        }
        rmSync(path, { force: true });
      }
      return restored;
    },
  };
}

/** Puts every file back as it was; a file that did not exist is removed. Idempotent, so a second crash is fine. */
function rollBack(files: ReadonlyArray<{ absolute: string; original: string | null }>): void {
  for (const { absolute, original } of files) {
    if (original === null) rmSync(absolute, { force: true });
    else {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileAtomic(absolute, original);
    }
  }
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // torn by a crash while the journal itself was written: no file was touched yet
  }
}
