import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { CheckpointStore } from './checkpoints.js';

let dir: string;
let root: string;
let outside: string;
let store: Store;
let checkpoints: CheckpointStore;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'pa-checkpoints-')));
  root = join(dir, 'workspace');
  outside = join(dir, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  store = openStore(join(dir, 'engine.db'));
  checkpoints = new CheckpointStore(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function put(rel: string, data: string | Uint8Array): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/** Every file under `folder` (no empty folders), path → bytes in hex. */
function snapshot(folder = root): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = join(folder, entry);
    if (statSync(file).isFile()) files[entry.split('\\').join('/')] = readFileSync(file).toString('hex');
  }
  return files;
}

function binary(): Buffer {
  return Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 7) % 256));
}

function blobCount(): number {
  return checkpoints.usage().blobs;
}

function expectPaError(run: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ name: 'PaError', code });
}

/** A turn that edits, creates, deletes and renames, the way the agent's tools would. */
function agentTurn(): number {
  const turn = checkpoints.begin(root, 'turn-1', 'Refactor');
  turn.capture(['text.txt', 'bin.dat', 'empty.txt', 'gone.txt', 'created.txt']);
  turn.capture(['old-name.txt', 'new/dir/new-name.txt']);
  writeFileSync(join(root, 'text.txt'), 'agent text\n');
  writeFileSync(join(root, 'bin.dat'), Buffer.from([0, 0, 0, 255]));
  writeFileSync(join(root, 'empty.txt'), 'not empty any more');
  unlinkSync(join(root, 'gone.txt'));
  writeFileSync(join(root, 'created.txt'), 'brand new');
  mkdirSync(join(root, 'new/dir'), { recursive: true });
  renameSync(join(root, 'old-name.txt'), join(root, 'new/dir/new-name.txt'));
  turn.settle('text.txt', 'agent text\n');
  turn.finish();
  return turn.id;
}

beforeEach(() => {
  put('text.txt', 'line one\nline two ✓\r\n');
  put('bin.dat', binary());
  put('empty.txt', '');
  put('gone.txt', 'to be deleted');
  put('old-name.txt', 'renamed content');
  put('src/untouched.ts', 'export {};\n');
});

describe('checkpoint restore', () => {
  it('puts edited, created, deleted and renamed files back byte for byte', () => {
    const before = snapshot();
    const id = agentTurn();
    const after = snapshot();
    expect(after).not.toEqual(before);

    const result = checkpoints.restore(id);
    expect(result.conflicts).toEqual([]);
    expect(result.restored.sort()).toEqual(
      ['bin.dat', 'created.txt', 'empty.txt', 'gone.txt', 'new/dir/new-name.txt', 'old-name.txt', 'text.txt'].sort(),
    );
    expect(snapshot()).toEqual(before);
    expect(readFileSync(join(root, 'bin.dat'))).toEqual(binary());
    expect(readFileSync(join(root, 'empty.txt')).length).toBe(0);
    expect(existsSync(join(root, 'created.txt'))).toBe(false);

    // the restore is undoable: restoring its own checkpoint brings the agent's version back
    expect(result.undoCheckpointId).not.toBeNull();
    const undo = checkpoints.restore(result.undoCheckpointId as number);
    expect(undo.conflicts).toEqual([]);
    expect(snapshot()).toEqual(after);
    // and that is undoable in turn
    checkpoints.restore(undo.undoCheckpointId as number);
    expect(snapshot()).toEqual(before);
  });

  it('keeps the first capture of a path and records the restore checkpoints in the list', () => {
    const turn = checkpoints.begin(root, 't1', 'Edit twice');
    turn.capture('text.txt');
    writeFileSync(join(root, 'text.txt'), 'first write');
    turn.capture('./text.txt');
    writeFileSync(join(root, 'text.txt'), 'second write');
    turn.finish();
    const result = checkpoints.restore(turn.id);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('line one\nline two ✓\r\n');
    const list = checkpoints.list(root);
    expect(list.map((entry) => [entry.kind, entry.files, entry.restoredId])).toEqual([
      ['turn', 1, null],
      ['restore', 1, turn.id],
    ]);
    expect(list[1]?.id).toBe(result.undoCheckpointId);
    expect(checkpoints.list(outside)).toEqual([]);
    expectPaError(() => checkpoints.restore(9999), ErrorCode.NOT_FOUND);
  });

  it('restoring an earlier turn undoes the later turns too', () => {
    const first = checkpoints.begin(root, 't1', 'One');
    first.capture('text.txt');
    writeFileSync(join(root, 'text.txt'), 'turn one');
    first.finish();
    const second = checkpoints.begin(root, 't2', 'Two');
    second.capture(['text.txt', 'more.txt']);
    writeFileSync(join(root, 'text.txt'), 'turn two');
    writeFileSync(join(root, 'more.txt'), 'more');
    second.finish();

    checkpoints.restore(second.id);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('turn one');
    expect(existsSync(join(root, 'more.txt'))).toBe(false);
    checkpoints.restore(first.id);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('line one\nline two ✓\r\n');
  });

  it('restores the file mode of a deleted executable', () => {
    chmodSync(join(root, 'gone.txt'), 0o755);
    const turn = checkpoints.begin(root, 't1', 'Delete');
    turn.capture('gone.txt');
    unlinkSync(join(root, 'gone.txt'));
    turn.finish();
    checkpoints.restore(turn.id);
    expect(statSync(join(root, 'gone.txt')).mode & 0o777).toBe(0o755);
  });
});

describe('conflicts', () => {
  it('leaves a file the user edited after the turn alone, unless forced', () => {
    const before = snapshot();
    const id = agentTurn();
    writeFileSync(join(root, 'text.txt'), 'the user edited this');

    const result = checkpoints.restore(id);
    expect(result.conflicts).toEqual([{ path: 'text.txt', reason: 'edited' }]);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('the user edited this');
    expect(result.restored).not.toContain('text.txt');
    expect(readFileSync(join(root, 'bin.dat'))).toEqual(binary()); // the rest was restored

    const forced = checkpoints.restore(id, { force: true });
    expect(forced.conflicts).toEqual([]);
    expect(forced.restored).toEqual(['text.txt']);
    expect(snapshot()).toEqual(before);
    // the forced restore captured the user's edit first
    checkpoints.restore(forced.undoCheckpointId as number);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('the user edited this');
  });

  it('reports a file the user changed between two of the turns undone', () => {
    const first = checkpoints.begin(root, 't1', 'One');
    first.capture('text.txt');
    writeFileSync(join(root, 'text.txt'), 'turn one');
    first.finish();
    writeFileSync(join(root, 'text.txt'), 'user between turns');
    const second = checkpoints.begin(root, 't2', 'Two');
    second.capture('text.txt');
    writeFileSync(join(root, 'text.txt'), 'turn two');
    second.finish();

    expect(checkpoints.restore(first.id).conflicts).toEqual([{ path: 'text.txt', reason: 'edited_between' }]);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('turn two');
    // going back to the second turn alone keeps the user's edit: no conflict
    expect(checkpoints.restore(second.id).conflicts).toEqual([]);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('user between turns');
  });

  it('treats a turn that never settled as unknown: a changed file is a conflict', () => {
    const turn = checkpoints.begin(root, 't1', 'Interrupted');
    turn.capture(['text.txt', 'gone.txt']);
    writeFileSync(join(root, 'text.txt'), 'half done');
    const result = checkpoints.restore(turn.id);
    expect(result.conflicts).toEqual([{ path: 'text.txt', reason: 'unsettled' }]);
    expect(result.undoCheckpointId).toBeNull(); // gone.txt is as it was: nothing to change
    expect(checkpoints.restore(turn.id, { force: true }).restored).toEqual(['text.txt']);
  });
});

describe('storage', () => {
  it('stores identical contents once', () => {
    put('copy-a.txt', 'same bytes');
    put('copy-b.txt', 'same bytes');
    const first = checkpoints.begin(root, 't1', 'One');
    first.capture(['copy-a.txt', 'copy-b.txt']);
    first.finish();
    const second = checkpoints.begin(root, 't2', 'Two');
    second.capture('copy-a.txt');
    second.finish();
    expect(blobCount()).toBe(1);
    expect(checkpoints.usage()).toMatchObject({ checkpoints: 2, bytes: 'same bytes'.length });
  });

  it('drops the oldest checkpoints and their blobs beyond the size cap', () => {
    const small = new CheckpointStore(store, { capBytes: 250 });
    const ids: number[] = [];
    for (let index = 0; index < 4; index++) {
      put('big.txt', String(index).repeat(100));
      const turn = small.begin(root, `t${index}`, `Turn ${index}`);
      turn.capture('big.txt');
      writeFileSync(join(root, 'big.txt'), 'agent');
      turn.finish();
      ids.push(turn.id);
    }
    expect(small.list(root).map((entry) => entry.id)).toEqual(ids.slice(2));
    expect(small.usage()).toEqual({ checkpoints: 2, blobs: 2, bytes: 200 });
    expectPaError(() => small.restore(ids[0] as number), ErrorCode.NOT_FOUND);
    small.restore(ids[3] as number);
    expect(readFileSync(join(root, 'big.txt'), 'utf8')).toBe('3'.repeat(100));
  });

  it('refuses a file larger than the cap', () => {
    const tiny = new CheckpointStore(store, { capBytes: 4 });
    const turn = tiny.begin(root, 't1', 'Big');
    expectPaError(() => turn.capture('gone.txt'), ErrorCode.TOO_LARGE);
  });
});

describe('hostile paths', () => {
  it('refuses paths outside the workspace and inside .git', () => {
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git/config'), '[core]\n');
    const turn = checkpoints.begin(root, 't1', 'Hostile');
    expectPaError(() => turn.capture('../x'), ErrorCode.BAD_REQUEST);
    expectPaError(() => turn.capture('a/../../x'), ErrorCode.BAD_REQUEST);
    expectPaError(() => turn.capture(join(outside, 'x')), ErrorCode.BAD_REQUEST);
    expectPaError(() => turn.capture('nul\0byte'), ErrorCode.BAD_REQUEST);
    expectPaError(() => turn.capture('.git/config'), ErrorCode.FORBIDDEN);
    expectPaError(() => turn.capture('.GIT/config'), ErrorCode.FORBIDDEN);
    expectPaError(() => turn.capture('vendor/lib/.git/HEAD'), ErrorCode.FORBIDDEN);
    expectPaError(() => turn.capture('src'), ErrorCode.BAD_REQUEST);
    expectPaError(() => turn.settle('text.txt'), ErrorCode.BAD_REQUEST); // never captured
    symlinkSync(outside, join(root, 'link-out'));
    expectPaError(() => turn.capture('link-out/x.txt'), ErrorCode.BAD_REQUEST);
    symlinkSync(join(outside, 'target.txt'), join(root, 'file-link'));
    expectPaError(() => turn.capture('file-link'), ErrorCode.BAD_REQUEST);
    turn.finish();
    expect(checkpoints.list(root)[0]?.files).toBe(0);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('never writes outside through a folder swapped for a symlink after the checkpoint', () => {
    put('sub/file.txt', 'inside');
    const turn = checkpoints.begin(root, 't1', 'Edit sub');
    turn.capture(['sub/file.txt', 'sub/created.txt', 'text.txt']);
    writeFileSync(join(root, 'sub/file.txt'), 'agent');
    writeFileSync(join(root, 'sub/created.txt'), 'agent created');
    writeFileSync(join(root, 'text.txt'), 'agent text');
    turn.finish();

    // someone replaces sub/ with a symlink to a folder outside holding the same names
    rmSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(outside, 'file.txt'), 'agent');
    writeFileSync(join(outside, 'created.txt'), 'agent created');
    symlinkSync(outside, join(root, 'sub'));
    const outsideBefore = snapshot(outside);

    const result = checkpoints.restore(turn.id, { force: true });
    expect(result.conflicts.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'sub/created.txt', reason: 'outside_workspace' },
      { path: 'sub/file.txt', reason: 'outside_workspace' },
    ]);
    expect(result.restored).toEqual(['text.txt']);
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(readdirSync(outside).sort()).toEqual(['created.txt', 'file.txt']);
  });

  it('does not follow a symlink put in place of a captured file', () => {
    const turn = checkpoints.begin(root, 't1', 'Edit');
    turn.capture(['text.txt', 'bin.dat']);
    writeFileSync(join(root, 'text.txt'), 'agent');
    writeFileSync(join(root, 'bin.dat'), 'agent');
    turn.finish();
    writeFileSync(join(outside, 'secret.txt'), 'outside');
    unlinkSync(join(root, 'text.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'text.txt'));
    unlinkSync(join(root, 'bin.dat'));
    symlinkSync(join(root, 'src/untouched.ts'), join(root, 'bin.dat'));

    const result = checkpoints.restore(turn.id, { force: true });
    expect(result.conflicts).toEqual([
      { path: 'bin.dat', reason: 'not_a_file' },
      { path: 'text.txt', reason: 'outside_workspace' },
    ]);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('outside');
    expect(readFileSync(join(root, 'src/untouched.ts'), 'utf8')).toBe('export {};\n');
  });
});

describe('restoring some files of a turn (per-file reject)', () => {
  it('puts back only the files named, byte for byte: a created one is deleted, a deleted one comes back', () => {
    const before = snapshot();
    const id = agentTurn();
    const after = snapshot();

    const result = checkpoints.restoreFiles(id, ['created.txt', './gone.txt', 'bin.dat']);
    expect(result.conflicts).toEqual([]);
    expect(result.restored.sort()).toEqual(['bin.dat', 'created.txt', 'gone.txt']);
    expect(existsSync(join(root, 'created.txt'))).toBe(false);
    expect(readFileSync(join(root, 'gone.txt'), 'utf8')).toBe('to be deleted');
    expect(readFileSync(join(root, 'bin.dat'))).toEqual(binary());
    // the other files of the turn keep the agent's version
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('agent text\n');
    expect(existsSync(join(root, 'new/dir/new-name.txt'))).toBe(true);

    // itself undoable: its 'restore' checkpoint holds the three files as the turn left them
    const undoId = result.undoCheckpointId as number;
    expect(checkpoints.get(undoId)).toMatchObject({ kind: 'restore', restoredId: id, files: 3 });
    expect(checkpoints.get(undoId).label).toBe('Restore 3 files of "Refactor"');
    checkpoints.restore(undoId);
    expect(snapshot()).toEqual(after);

    // a rename is rejected by naming both of its paths; then the whole turn still restores cleanly
    checkpoints.restoreFiles(id, ['old-name.txt', 'new/dir/new-name.txt']);
    expect(readFileSync(join(root, 'old-name.txt'), 'utf8')).toBe('renamed content');
    expect(existsSync(join(root, 'new/dir/new-name.txt'))).toBe(false);
    const rest = checkpoints.restore(id);
    expect(rest.conflicts).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it('a file the user edited since is a conflict unless forced; one already as it was is neither', () => {
    const id = agentTurn();
    writeFileSync(join(root, 'text.txt'), 'the user edited this');
    const result = checkpoints.restoreFiles(id, ['text.txt', 'bin.dat']);
    expect(result.conflicts).toEqual([{ path: 'text.txt', reason: 'edited' }]);
    expect(result.restored).toEqual(['bin.dat']);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('the user edited this');

    const again = checkpoints.restoreFiles(id, ['bin.dat']);
    expect(again).toEqual({ restored: [], conflicts: [], undoCheckpointId: null });

    const forced = checkpoints.restoreFiles(id, ['text.txt'], { force: true });
    expect(forced.restored).toEqual(['text.txt']);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('line one\nline two ✓\r\n');
    checkpoints.restore(forced.undoCheckpointId as number);
    expect(readFileSync(join(root, 'text.txt'), 'utf8')).toBe('the user edited this');
  });

  it('refuses paths the checkpoint does not hold, outside the workspace or inside .git', () => {
    const id = agentTurn();
    const after = snapshot();
    expectPaError(() => checkpoints.restoreFiles(id, ['src/untouched.ts']), ErrorCode.BAD_REQUEST);
    expectPaError(() => checkpoints.restoreFiles(id, ['../outside/x.txt']), ErrorCode.BAD_REQUEST);
    expectPaError(() => checkpoints.restoreFiles(id, ['/etc/passwd']), ErrorCode.BAD_REQUEST);
    expectPaError(() => checkpoints.restoreFiles(id, ['.git/config']), ErrorCode.FORBIDDEN);
    expectPaError(() => checkpoints.restoreFiles(id, ['sub/.GIT/hooks/pre-commit']), ErrorCode.FORBIDDEN);
    expectPaError(() => checkpoints.restoreFiles(id, []), ErrorCode.BAD_REQUEST);
    expectPaError(() => checkpoints.restoreFiles(9999, ['text.txt']), ErrorCode.NOT_FOUND);
    // one bad path refuses the whole call: nothing was written
    expectPaError(() => checkpoints.restoreFiles(id, ['text.txt', '../x']), ErrorCode.BAD_REQUEST);
    expect(snapshot()).toEqual(after);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('never writes outside through a folder swapped for a symlink', () => {
    const turn = checkpoints.begin(root, 't1', 'Nested');
    turn.capture('deep/file.txt');
    put('deep/file.txt', 'agent made it');
    turn.finish();
    rmSync(join(root, 'deep'), { recursive: true });
    symlinkSync(outside, join(root, 'deep'));
    writeFileSync(join(outside, 'file.txt'), 'outside');
    const result = checkpoints.restoreFiles(turn.id, ['deep/file.txt'], { force: true });
    expect(result.restored).toEqual([]);
    expect(result.conflicts).toEqual([{ path: 'deep/file.txt', reason: 'outside_workspace' }]);
    expect(readFileSync(join(outside, 'file.txt'), 'utf8')).toBe('outside');
  });
});
