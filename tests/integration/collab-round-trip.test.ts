// Every text file of this repository's own checkout goes through a two-peer session byte for byte: the host's real
// engine reads and shares it (packages/ui/src/collab/share-files.ts), a guest on its own real engine and empty
// folder receives it over Yjs updates and saves it (shared-files.ts, collab.writeFile), and the sha256 of each
// file on the guest's disk is the original's; the host re-reads its own unchanged. Line endings (CRLF), a UTF-8 BOM
// and a NUL after the first block come through; a PDF named .ai, latin-1 and UTF-16 are listed as not shared.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import { protectedPath } from '@pa/shared/protected-paths';
import { inspectText } from '@pa/shared/text-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SharedFileWriter } from '../../packages/ui/src/collab/disk-writer.js';
import { addSharedFiles } from '../../packages/ui/src/collab/share-files.js';
import { SharedFilesSync } from '../../packages/ui/src/collab/shared-files.js';
import { repoRoot } from '../../scripts/paths.js';
import { licensedDataDir } from '../support/collab-license.js';
import { type StartedEngine, startEngine } from '../support/engine.js';

const ROOM = 'c1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'cm91bmQtdHJpcC1yb3VuZC10cmlwLXNlY3JldA';
/** Updates from the other peer carry this origin, as a transport's do. */
const REMOTE = Symbol('remote peer');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ascii = (text: string) => Buffer.from(text, 'latin1');

/** Files a real repository holds that the checkout may not: each with what the session must do with it. */
const EXTRA: Record<string, Buffer> = {
  'extra/windows.txt': Buffer.from('first\r\nsecond\r\n\r\nlast\r\n'),
  'extra/bom-crlf.cs': Buffer.from('\uFEFFnamespace A;\r\nclass B {}\r\n'),
  'extra/nul-after-first-block.txt': Buffer.concat([Buffer.from('x'.repeat(9000)), Buffer.from([0]), ascii('end\n')]),
  'extra/no-final-newline.md': Buffer.from('ünïcödé 😀 text'),
};
const NOT_SHARED: Record<string, { bytes: Buffer; reason: string }> = {
  // a PDF saved with Illustrator's extension: high bytes that are not UTF-8 in its first line
  'extra/x.ai': {
    bytes: Buffer.concat([ascii('%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<</Type/Catalog>>\nendobj\n')]),
    reason: 'binary',
  },
  'extra/latin1.txt': { bytes: ascii('caf\u00e9\n'), reason: 'binary' },
  'extra/utf16.txt': { bytes: Buffer.from('\uFEFFhi\n', 'utf16le'), reason: 'binary' },
  'extra/mixed.txt': { bytes: Buffer.from('a\r\nb\nc\r\n'), reason: 'line-endings' },
};

let hostRoot: string;
let guestRoot: string;
let licensed: ReturnType<typeof licensedDataDir>;
let hostEngine: StartedEngine;
let guestEngine: StartedEngine;
let host: RpcClient;
let guest: RpcClient;
/** The repository's text files (by the detector), as the host's workspace holds them. */
let textFiles: string[];

beforeAll(async () => {
  hostRoot = mkdtempSync(join(tmpdir(), 'pa-rt-host-'));
  guestRoot = mkdtempSync(join(tmpdir(), 'pa-rt-guest-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0');
  textFiles = [];
  for (const path of tracked) {
    const source = join(repoRoot, path);
    if (!path || !lstatSync(source, { throwIfNoEntry: false })?.isFile()) continue;
    mkdirSync(dirname(join(hostRoot, path)), { recursive: true });
    cpSync(source, join(hostRoot, path));
    if (!inspectText(readFileSync(source)).binary && protectedPath(path)?.kind !== 'never') textFiles.push(path);
  }
  for (const [path, bytes] of Object.entries({
    ...EXTRA,
    ...Object.fromEntries(Object.entries(NOT_SHARED).map(([p, v]) => [p, v.bytes])),
  })) {
    mkdirSync(dirname(join(hostRoot, path)), { recursive: true });
    writeFileSync(join(hostRoot, path), bytes);
  }
  textFiles.push(...Object.keys(EXTRA));
  // the guest has half the files in an older (empty) version, and none of the others; a file a build runs
  // (package.json, …) it has, since a guest creates none of those (admission.ts)
  textFiles.forEach((path, index) => {
    if (index % 2 === 1 && protectedPath(path) === null) return;
    mkdirSync(dirname(join(guestRoot, path)), { recursive: true });
    writeFileSync(join(guestRoot, path), '');
  });
  licensed = licensedDataDir('professional');
  [hostEngine, guestEngine] = await Promise.all([
    startEngine({ workspace: hostRoot, dataDir: licensed.dataDir, env: licensed.env }),
    startEngine({ workspace: guestRoot }),
  ]);
  [host, guest] = await Promise.all([hostEngine.connect(), guestEngine.connect()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([hostEngine?.stop(), guestEngine?.stop()]);
  for (const dir of [hostRoot, guestRoot, licensed?.dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A participant's side: its doc, maps and the file sync the Live Share window runs, on its own engine. */
function participant(client: RpcClient, admitted: string[], role: 'host' | 'guest') {
  const doc = new Y.Doc();
  const files = doc.getMap<Y.Text>('files');
  const boms = doc.getMap<boolean>('bom');
  const writer = new SharedFileWriter(client, ROOM, null);
  const sync = new SharedFilesSync(files, {
    client,
    roomId: ROOM,
    writer,
    admitted,
    bom: (path) => boms.get(path) === true,
    writeMissing: role === 'guest',
  });
  return { doc, files, boms, sync };
}

/** Two docs joined as a transport joins them: each update of one is applied to the other. */
function connect(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), REMOTE);
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) Y.applyUpdate(b, update, REMOTE);
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) Y.applyUpdate(a, update, REMOTE);
  });
}

describe('a session carries files byte for byte', () => {
  it("shares every text file of this repository's checkout and the guest's saved copy has the same sha256", async () => {
    const shareable = await host.call('collab.shareableFiles', { maxBytes: 50 * 1024 * 1024 });
    for (const [path, { reason }] of Object.entries(NOT_SHARED)) {
      expect(shareable.skipped, path).toContainEqual({ path, reason });
    }
    expect(shareable.files.filter((path) => path.startsWith('extra/')).sort()).toEqual(Object.keys(EXTRA).sort());
    // nothing the detector calls text is left out (a tracked file the repository's .gitignore matches may be)
    expect(textFiles.filter((path) => !shareable.files.includes(path))).toEqual([]);

    const { session } = await host.call('collab.host', {
      roomId: ROOM,
      secret: SECRET,
      files: shareable.files,
      allowFileChanges: false,
    });
    const hostPeer = participant(host, session.files, 'host');
    const added = await addSharedFiles(host, hostPeer, session.files, () => null);
    expect(added.length).toBe(session.files.length);
    for (const { path, disk } of added) hostPeer.sync.markOnDisk(path, disk);
    expect(hostPeer.sync.unsaved.value).toEqual([]);

    await guest.call('collab.join', { roomId: ROOM, secret: SECRET });
    const guestPeer = participant(guest, [], 'guest');
    connect(hostPeer.doc, guestPeer.doc);
    // the guest receives the files: those it lacks are written as they arrive, the others wait for its save
    await guestPeer.sync.check();
    const waiting = textFiles.filter((path) => readFileSync(join(guestRoot, path)).length === 0);
    expect(waiting.length).toBeGreaterThan(textFiles.length / 3);
    await guestPeer.sync.save([...guestPeer.files.keys()]);
    expect(guestPeer.sync.refusals.value).toEqual([]);

    const differ: string[] = [];
    for (const path of textFiles) {
      const original = readFileSync(join(hostRoot, path));
      const copy = readFileSync(join(guestRoot, path));
      if (sha256(copy) !== sha256(original)) differ.push(path);
    }
    expect(differ).toEqual([]);
    expect(textFiles.length).toBeGreaterThan(400);
    for (const path of Object.keys(NOT_SHARED)) expect(guestPeer.files.has(path), path).toBe(false);

    // the host re-reads what it shares: the same bytes, and the text a save would write encodes back to them
    for (const path of textFiles) {
      const file = await host.call('files.read', { path });
      expect(file.binary, path).toBe(false);
      expect(sha256(Buffer.from(file.content, 'utf8')), path).toBe(sha256(readFileSync(join(hostRoot, path))));
    }
    hostPeer.sync.dispose();
    guestPeer.sync.dispose();
    await Promise.all([
      host.call('collab.leave', { roomId: ROOM, discard: true }),
      guest.call('collab.leave', { roomId: ROOM, discard: true }),
    ]);
  }, 60_000);
});
