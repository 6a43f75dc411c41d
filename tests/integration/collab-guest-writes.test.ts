// A collaborator writes only what the host shared: a raw Yjs peer holding the room secret adds files to the shared
// map, and the host — the real engine and the host session's real file sync (packages/ui/src/collab/shared-files.ts)
// — writes none of them and reports each refusal, while a guest's edit of a shared file still reaches the disk.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SharedFileWriter } from '../../packages/ui/src/collab/disk-writer.js';
import { SharedFilesSync } from '../../packages/ui/src/collab/shared-files.js';
import { licensedDataDir } from '../support/collab-license.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { copyFixture } from '../support/workspace.js';

const ROOM = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';
/** Updates the attacker sends carry this origin on the host, as a transport's do. */
const REMOTE = Symbol('remote peer');

let workspace: ReturnType<typeof copyFixture>;
let licensed: ReturnType<typeof licensedDataDir>;
let engine: StartedEngine;
let client: RpcClient;

beforeAll(async () => {
  workspace = copyFixture('sample-project');
  licensed = licensedDataDir('professional');
  engine = await startEngine({ workspace: workspace.root, dataDir: licensed.dataDir, env: licensed.env });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  workspace?.remove();
  if (licensed) rmSync(licensed.dataDir, { recursive: true, force: true });
});

/** The host's side of a session: its doc, the engine's shared set, and the file sync the Live Share window runs. */
async function hostSession(files: string[], allowFileChanges: boolean) {
  const { session } = await client.call('collab.host', { roomId: ROOM, secret: SECRET, files, allowFileChanges });
  const doc = new Y.Doc();
  const map = doc.getMap<Y.Text>('files');
  const writer = new SharedFileWriter(client, ROOM, null);
  const sync = new SharedFilesSync(map, { client, roomId: ROOM, writer, admitted: session.files });
  doc.transact(() => {
    for (const path of session.files) {
      const content = readFileSync(join(workspace.root, path), 'utf8');
      writer.remember(path, content);
      map.set(path, new Y.Text(content));
    }
  });
  return { doc, sync, session };
}

/** A peer that knows the room secret and speaks plain Yjs: it starts from the host's state and edits the map. */
function rawPeer(host: Y.Doc, edit: (files: Y.Map<Y.Text>) => void): void {
  const attacker = new Y.Doc();
  Y.applyUpdate(attacker, Y.encodeStateAsUpdate(host));
  attacker.on('update', (update: Uint8Array) => Y.applyUpdate(host, update, REMOTE));
  edit(attacker.getMap<Y.Text>('files'));
}

describe('a collaborator writes only what the host shared', () => {
  it('writes none of the files a raw peer adds to the map, reports each, and keeps the guest edit of a shared file', async () => {
    const { doc, sync } = await hostSession(['README.md', 'src/greet.ts'], false);
    const before = readdirSync(workspace.root).sort();
    rawPeer(doc, (files) => {
      files.set('.GIT/config', new Y.Text('[core]\n\tfsmonitor = "touch /tmp/pwned"\n'));
      files.set('conftest.py', new Y.Text('import os; os.system("touch /tmp/pwned")\n'));
      files.set('.powerautomation/workflows/x.yml', new Y.Text('name: x\nsteps:\n  - run: touch /tmp/pwned\n'));
      files.get('src/greet.ts')?.insert(0, '// edited by the guest\n');
      files.delete('README.md');
    });
    // the peer's updates reached the host's doc synchronously, so this save covers every key it added
    await sync.save();
    const refused = sync.refusals.value;

    expect(readFileSync(join(workspace.root, 'src/greet.ts'), 'utf8')).toMatch(/^\/\/ edited by the guest\n/);
    expect(existsSync(join(workspace.root, '.GIT'))).toBe(false);
    expect(existsSync(join(workspace.root, 'conftest.py'))).toBe(false);
    expect(existsSync(join(workspace.root, '.powerautomation'))).toBe(false);
    expect(readdirSync(workspace.root).sort()).toEqual(before);
    expect(existsSync(join(workspace.root, 'README.md'))).toBe(true);
    expect(refused.map((refusal) => refusal.message).sort()).toEqual([
      "Refused a guest's change to .GIT/config: inside the git repository.",
      "Refused a guest's change to .powerautomation/workflows/x.yml: PowerAutomation configuration (workflows run commands).",
      "Refused a guest's change to conftest.py: not a shared file.",
      "Refused a guest's deletion of README.md: guests may not delete files in this session.",
    ]);
    sync.dispose();
    await client.call('collab.leave', { roomId: ROOM, discard: true });
  });

  it('refuses a direct collab.writeFile or collab.deleteFile the host did not allow, even from a client that skips collab.admit', async () => {
    await client.call('collab.host', { roomId: ROOM, secret: SECRET, files: ['README.md'] });
    for (const path of ['conftest.py', '.git/config', 'src/greet.ts']) {
      const error = await client.call('collab.writeFile', { roomId: ROOM, path, content: 'x' }).catch((e) => e);
      expect(error, path).toMatchObject({ code: 'E_FORBIDDEN' });
    }
    for (const path of ['README.md', 'src/greet.ts']) {
      const error = await client.call('collab.deleteFile', { roomId: ROOM, path }).catch((e) => e);
      expect(error, path).toMatchObject({ code: 'E_FORBIDDEN' });
      expect(existsSync(join(workspace.root, path)), path).toBe(true);
    }
    expect(existsSync(join(workspace.root, 'conftest.py'))).toBe(false);
    expect(readFileSync(join(workspace.root, 'src/greet.ts'), 'utf8')).toMatch(/^\/\/ edited by the guest\n/);
    await client.call('collab.leave', { roomId: ROOM, discard: true });
  });

  it('with file changes allowed, lets a guest create and delete files, but never a protected one', async () => {
    // a repository, and a link inside the workspace that leads into it
    mkdirSync(join(workspace.root, '.git'));
    symlinkSync('.git', join(workspace.root, 'gitlink'));
    const { doc, sync, session } = await hostSession(['README.md'], true);
    expect(session.allowFileChanges).toBe(true);
    rawPeer(doc, (files) => {
      files.set('src/added.ts', new Y.Text('export const added = 1;\n'));
      files.set('.Git./hooks/pre-commit', new Y.Text('#!/bin/sh\ntouch /tmp/pwned\n'));
      files.set('tests/conftest.py', new Y.Text('import os\n'));
      files.set('.vscode/tasks.json', new Y.Text('{}'));
      files.set('gitlink/config', new Y.Text('[core]\n\tfsmonitor = "touch /tmp/pwned"\n'));
      files.delete('README.md');
    });
    await sync.save();
    const refused = sync.refusals.value;

    expect(readFileSync(join(workspace.root, 'src/added.ts'), 'utf8')).toBe('export const added = 1;\n');
    expect(readdirSync(join(workspace.root, '.git'))).toEqual([]);
    expect(
      readdirSync(workspace.root)
        .filter((name) => name.toLowerCase().startsWith('.git'))
        .sort(),
    ).toEqual(['.git', '.gitignore']);
    expect(existsSync(join(workspace.root, 'tests/conftest.py'))).toBe(false);
    expect(existsSync(join(workspace.root, '.vscode'))).toBe(false);
    expect(refused.map((refusal) => refusal.path).sort()).toEqual([
      '.Git./hooks/pre-commit',
      '.vscode/tasks.json',
      'gitlink/config',
      'tests/conftest.py',
    ]);
    expect(refused.find((refusal) => refusal.path === 'gitlink/config')?.message).toBe(
      "Refused a guest's change to gitlink/config: it leads into .git.",
    );
    expect(existsSync(join(workspace.root, 'README.md'))).toBe(false);
    // the engine recorded the created file as shared and the deleted one as no longer shared
    expect((await client.call('collab.state')).session?.files).toEqual(['src/added.ts']);
    sync.dispose();
    await client.call('collab.leave', { roomId: ROOM, discard: true });
  });

  it("saves none of the guests' edits when the host chose so: the session keeps them, the disk keeps the host's text", async () => {
    const before = readFileSync(join(workspace.root, 'src/greet.ts'), 'utf8');
    const { session } = await client.call('collab.host', {
      roomId: ROOM,
      secret: SECRET,
      files: ['src/greet.ts'],
      allowFileChanges: true,
      saveGuestEdits: false,
    });
    expect(session.saveGuestEdits).toBe(false);
    const doc = new Y.Doc();
    const map = doc.getMap<Y.Text>('files');
    const writer = new SharedFileWriter(client, ROOM, null);
    const sync = new SharedFilesSync(map, { client, roomId: ROOM, writer, admitted: session.files });
    map.set('src/greet.ts', new Y.Text(before));
    sync.markOnDisk('src/greet.ts', before);
    rawPeer(doc, (files) => files.get('src/greet.ts')?.insert(0, '// a guest was here\n'));
    await sync.save();
    expect(readFileSync(join(workspace.root, 'src/greet.ts'), 'utf8')).toBe(before);
    expect(sync.refusals.value.map((refusal) => refusal.message)).toEqual([
      "Refused a guest's change to src/greet.ts: this session does not save guests' edits into the host's folder.",
    ]);
    const direct = await client.call('collab.deleteFile', { roomId: ROOM, path: 'src/greet.ts' }).catch((e) => e);
    expect(direct).toMatchObject({ code: 'E_FORBIDDEN' });
    expect(existsSync(join(workspace.root, 'src/greet.ts'))).toBe(true);
    sync.dispose();
    await client.call('collab.leave', { roomId: ROOM, discard: true });
  });
});
