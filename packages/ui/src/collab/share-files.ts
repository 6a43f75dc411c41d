// The host's side of sharing: each shared file goes into the session's map as a Y.Text holding what an editor
// model holds (the file's text with its line endings as they are), its UTF-8 byte order mark in `boms`. A file the
// engine reads as binary by content (not UTF-8 text: a PDF named .ai, latin-1, UTF-16) is never put in a Y.Text.
import type { EngineClient } from '@pa/shared';
import { splitBom } from '@pa/shared/text-file';
import * as Y from 'yjs';

export interface SharedMaps {
  files: Y.Map<Y.Text>;
  /** Paths whose file begins with a UTF-8 byte order mark (true). */
  boms: Y.Map<boolean>;
}

/** A file put in the map, and the file's content on disk as read (to tell whether the shared text is saved). */
export interface AddedFile {
  path: string;
  disk: string;
}

/**
 * Adds `paths` not in the map yet, with the text of an open model when `currentText` has one (its unsaved edits
 * included), else the text on disk; answers what it added, binary files left out.
 */
export async function addSharedFiles(
  client: Pick<EngineClient, 'call'>,
  maps: SharedMaps,
  paths: readonly string[],
  currentText: (path: string) => string | null,
): Promise<AddedFile[]> {
  const read = await Promise.all(
    paths.map(async (path) => {
      const file = await client.call('files.read', { path });
      if (file.binary) return null;
      const disk = splitBom(file.content);
      return { path, disk: file.content, bom: disk.bom, text: currentText(path) ?? disk.text };
    }),
  );
  const added: AddedFile[] = [];
  const doc = maps.files.doc as Y.Doc;
  doc.transact(() => {
    for (const entry of read) {
      if (entry === null || maps.files.has(entry.path)) continue;
      if (entry.bom) maps.boms.set(entry.path, true);
      maps.files.set(entry.path, new Y.Text(entry.text));
      added.push({ path: entry.path, disk: entry.disk });
    }
  });
  return added;
}
