// Hot exit against the real engine over its WebSocket: unsaved buffers and the open tabs survive a kill -9 and a
// restart on the same data dir (with the same token), restore says which backed-up files changed or vanished on
// disk, a save or a discard removes the backup, and a backup can never name a file outside the workspace.
import { mkdtempSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { afterAll, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { copyFixture } from '../support/workspace.js';

const workspace = copyFixture('sample-project');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-backup-data-'));
const engines: StartedEngine[] = [];

afterAll(async () => {
  for (const engine of engines) await engine.stop();
  workspace.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<StartedEngine> {
  const engine = await startEngine({ dataDir, workspace: workspace.root });
  engines.push(engine);
  return engine;
}

async function crash(engine: StartedEngine): Promise<void> {
  const exited = new Promise((resolve) => engine.process.once('exit', resolve));
  engine.process.kill('SIGKILL');
  await exited;
}

const mtimeOf = (rel: string) => statSync(join(workspace.root, rel)).mtimeMs;

it('keeps unsaved buffers and tabs across a kill -9, with the same token, and flags files changed on disk', async () => {
  const first = await start();
  const client = await first.connect();
  await client.call('backup.write', {
    path: 'src/greet.ts',
    content: 'unsaved greet\n',
    mtimeMs: mtimeOf('src/greet.ts'),
  });
  await client.call('backup.write', {
    path: 'src/math.js',
    content: 'unsaved math\n',
    mtimeMs: mtimeOf('src/math.js'),
  });
  await client.call('backup.write', { path: 'README.md', content: 'unsaved readme\n', mtimeMs: mtimeOf('README.md') });
  await client.call('backup.write', { path: 'notes/new.txt', content: 'never saved\n', mtimeMs: null });
  await client.call('backup.saveSession', {
    tabs: [
      { path: 'src/greet.ts', line: 3, column: 7 },
      { path: 'src/math.js', line: 1, column: 1 },
      { path: '/settings/', line: 1, column: 1 }, // a contributed editor's tab: kept, never resolved
    ],
    active: 'src/greet.ts',
  });
  await crash(first);

  // between the crash and the restart someone else changes one file and deletes another
  writeFileSync(join(workspace.root, 'src/math.js'), 'theirs\n');
  utimesSync(join(workspace.root, 'src/math.js'), new Date(), new Date(Date.now() + 5000));
  unlinkSync(join(workspace.root, 'README.md'));

  const second = await start();
  expect(second.token).toBe(first.token); // the page the first engine served is accepted again
  const restored = await (await second.connect()).call('backup.restore');
  expect(restored.session).toEqual({
    tabs: [
      { path: 'src/greet.ts', line: 3, column: 7 },
      { path: 'src/math.js', line: 1, column: 1 },
      { path: '/settings/', line: 1, column: 1 }, // a contributed editor's tab: kept, never resolved
    ],
    active: 'src/greet.ts',
  });
  const byPath = Object.fromEntries(restored.backups.map((backup) => [backup.path, backup]));
  expect(byPath['src/greet.ts']).toMatchObject({ content: 'unsaved greet\n', disk: 'unchanged' });
  expect(byPath['src/math.js']).toMatchObject({ content: 'unsaved math\n', disk: 'changed' });
  expect(byPath['README.md']).toMatchObject({ content: 'unsaved readme\n', disk: 'deleted' });
  expect(byPath['notes/new.txt']).toMatchObject({ content: 'never saved\n', mtimeMs: null, disk: 'unchanged' });
});

it('saving a file or discarding its buffer removes its backup', async () => {
  const engine = engines.at(-1) ?? (await start());
  const client = await engine.connect();
  await client.call('backup.write', {
    path: 'src/greet.ts',
    content: 'to be saved\n',
    mtimeMs: mtimeOf('src/greet.ts'),
  });
  await client.call('files.write', { path: 'src/greet.ts', content: 'to be saved\n' });
  await client.call('backup.discard', { path: 'notes/new.txt' });
  const paths = (await client.call('backup.restore')).backups.map((backup) => backup.path);
  expect(paths).not.toContain('src/greet.ts');
  expect(paths).not.toContain('notes/new.txt');
  expect(paths).toContain('src/math.js');
});

it('refuses a backup or a session tab that points outside the workspace', async () => {
  const engine = engines.at(-1) ?? (await start());
  const client = await engine.connect();
  for (const path of ['../outside.txt', '/etc/passwd', 'a/../../b']) {
    const error = await client.call('backup.write', { path, content: 'x', mtimeMs: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaError);
    expect((error as PaError).code).toBe(ErrorCode.BAD_REQUEST);
  }
  const error = await client
    .call('backup.saveSession', { tabs: [{ path: '../../etc/hosts', line: 1, column: 1 }], active: null })
    .catch((e: unknown) => e);
  expect((error as PaError).code).toBe(ErrorCode.BAD_REQUEST);
  expect((await client.call('engine.ping')).pong).toBe(true);
});

it('keeps the split editor: groups, their tabs with preview and pinned flags, sizes and the active group', async () => {
  const engine = engines.at(-1) ?? (await start());
  const client = await engine.connect();
  const layout = {
    orientation: 'row' as const,
    groups: [
      {
        tabs: [
          { path: 'src/greet.ts', pinned: true },
          { path: 'src/math.js', preview: true },
        ],
        active: 'src/math.js',
      },
      { tabs: [{ path: 'src/greet.ts' }, { path: '/settings/' }], active: 'src/greet.ts' },
    ],
    sizes: [0.6, 0.4],
    active: 1,
  };
  const tabs = [
    { path: 'src/greet.ts', line: 2, column: 1 },
    { path: 'src/math.js', line: 1, column: 1 },
    { path: '/settings/', line: 1, column: 1 },
  ];
  await client.call('backup.saveSession', { tabs, active: 'src/greet.ts', layout });
  expect((await client.call('backup.restore')).session).toEqual({ tabs, active: 'src/greet.ts', layout });
});

it('refuses a layout whose group names a file outside the workspace, or more groups than the editor splits into', async () => {
  const engine = engines.at(-1) ?? (await start());
  const client = await engine.connect();
  const before = (await client.call('backup.restore')).session;
  const tabs = [{ path: 'src/greet.ts', line: 1, column: 1 }];
  const group = (path: string) => ({ tabs: [{ path }], active: path });
  const hostile = [
    // listed in no tab, so only the group's own check stands between it and the disk
    {
      orientation: 'row' as const,
      groups: [group('src/greet.ts'), group('../../etc/hosts')],
      sizes: [1, 1],
      active: 0,
    },
    {
      orientation: 'row' as const,
      groups: Array.from({ length: 17 }, () => group('src/greet.ts')),
      sizes: [],
      active: 0,
    },
    { orientation: 'row' as const, groups: [group('src/greet.ts')], sizes: [Number.POSITIVE_INFINITY], active: 0 },
  ];
  for (const layout of hostile) {
    const error = await client.call('backup.saveSession', { tabs, active: null, layout }).catch((e: unknown) => e);
    expect((error as PaError).code).toBe(ErrorCode.BAD_REQUEST);
  }
  // nothing of it was stored
  expect((await client.call('backup.restore')).session).toEqual(before);
});
