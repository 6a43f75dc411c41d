// The format capability against the real engine over its WebSocket: the project's own Biome (the repository's
// @biomejs/biome copied into the fixture workspace, its native binary hard-linked or copied) formats a file and
// reports a syntax error readably; a Prettier stand-in (fixtures/fake-prettier.cjs as node_modules/prettier) proves
// the command line. Hostile: an untrusted workspace never spawns it; a package or entry that is a symlink out of the
// workspace is refused without running; a formatter that hangs is killed at the time limit, one that prints 100 MB
// is cut off at the output limit, both with their process gone.
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { alive } from '../support/process.js';
import { TempFolders } from '../support/workspace.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fakePrettier = join(repo, 'tests/integration/fixtures/fake-prettier.cjs');
const temps = new TempFolders();
const temp = (prefix: string) => temps.make(prefix);

/** A workspace with a Prettier config and the stand-in installed as node_modules/prettier, acting as `mode`. */
function prettierWorkspace(mode: string): string {
  const root = temp(`pa-format-${mode}-`);
  writeFileSync(join(root, '.fake-mode'), mode);
  writeFileSync(join(root, '.prettierrc'), '{}\n');
  installFakePrettier(join(root, 'node_modules/prettier'));
  return root;
}

function installFakePrettier(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'prettier', version: '3.9.9-fake', bin: './bin/prettier.cjs' }),
  );
  copyFileSync(fakePrettier, join(dir, 'bin/prettier.cjs'));
}

const ranIn = (root: string) => existsSync(join(root, '.formatter-ran'));
const pidsIn = (root: string) =>
  readFileSync(join(root, '.formatter-ran'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split(' ')[0]));

afterAll(() => temps.removeAll());

let engine: StartedEngine;
let client: RpcClient;

async function open(root: string, trusted: boolean): Promise<void> {
  await client.call('workspace.open', { path: root, confirm: true });
  if (trusted) await client.call('workflow.trust.set', { trusted: true });
}

beforeAll(async () => {
  engine = await startEngine({ workspace: temp('pa-format-start-'), env: { PA_FORMAT_TIMEOUT_MS: '1000' } });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
});

describe('with the project Biome', () => {
  let root: string;

  beforeAll(() => {
    root = temp('pa-format-biome-');
    const modules = join(root, 'node_modules/@biomejs');
    cpSync(join(repo, 'node_modules/@biomejs/biome'), join(modules, 'biome'), { recursive: true });
    const native = join(modules, 'cli-linux-x64');
    mkdirSync(native, { recursive: true });
    const from = join(repo, 'node_modules/@biomejs/cli-linux-x64');
    copyFileSync(join(from, 'package.json'), join(native, 'package.json'));
    try {
      linkSync(join(from, 'biome'), join(native, 'biome'));
    } catch {
      copyFileSync(join(from, 'biome'), join(native, 'biome'));
    }
    writeFileSync(join(root, 'biome.json'), JSON.stringify({ formatter: { indentStyle: 'space', indentWidth: 2 } }));
    writeFileSync(join(root, 'a.ts'), '');
  });

  it('detects Biome with its version and formats the text as the file', async () => {
    await open(root, true);
    const version = (
      JSON.parse(readFileSync(join(repo, 'node_modules/@biomejs/biome/package.json'), 'utf8')) as { version: string }
    ).version;
    const detected = await client.call('format.detect', { path: 'a.ts' });
    expect(detected.formatter).toEqual({ name: 'biome', version });
    expect((await client.call('format.detect', { path: 'notes.txt' })).formatter).toBeNull();

    const result = await client.call('format.document', { path: 'a.ts', content: 'const a = {b:1,\n  c:"x"}' });
    expect(result).toEqual({
      content: "const a = { b: 1, c: 'x' };\n".replace(/'/g, '"'),
      formatter: { name: 'biome', version },
    });
  });

  it("reports Biome's syntax error as a readable message", async () => {
    await open(root, true);
    const error = await errorOf(client.call('format.document', { path: 'a.ts', content: 'const a = {b:1;\n' }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.message).toBe('Biome: expected `,` but instead found `;` (1:15)');
  });
});

describe('with a Prettier stand-in', () => {
  it('never runs it in an untrusted workspace, and runs it with --stdin-filepath once trusted', async () => {
    const root = prettierWorkspace('echo');
    await open(root, false);
    expect((await client.call('format.detect', { path: 'src/a.ts' })).formatter).toEqual({
      name: 'prettier',
      version: '3.9.9-fake',
    });
    const refused = await errorOf(client.call('format.document', { path: 'src/a.ts', content: 'let a' }));
    expect(refused.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(refused.data).toEqual({ trustNeeded: true });
    expect(ranIn(root)).toBe(false);

    await client.call('workflow.trust.set', { trusted: true });
    const result = await client.call('format.document', { path: 'src/a.ts', content: 'let a' });
    expect(result.content).toBe('// formatted\nlet a\n');
    expect(readFileSync(join(root, '.formatter-ran'), 'utf8')).toContain('["--stdin-filepath","src/a.ts"]');
  });

  it('follows Settings › Editor › Default Formatter, the workspace value over the user one', async () => {
    const root = prettierWorkspace('echo');
    await open(root, true);
    const prettier = { name: 'prettier', version: '3.9.9-fake' };
    const detect = async () => (await client.call('format.detect', { path: 'src/a.ts' })).formatter;
    await client.call('settings.set', { scope: 'user', key: 'editor.defaultFormatter', value: 'language-server' });
    expect(await detect()).toBeNull();
    const refused = await errorOf(client.call('format.document', { path: 'src/a.ts', content: 'let a' }));
    expect(refused.code).toBe(ErrorCode.NOT_FOUND);
    expect(ranIn(root)).toBe(false);

    // Biome is not installed here: the language's own formatter formats
    await client.call('settings.set', { scope: 'workspace', key: 'editor.defaultFormatter', value: 'biome' });
    expect(await detect()).toBeNull();
    await client.call('settings.set', { scope: 'workspace', key: 'editor.defaultFormatter', value: 'prettier' });
    expect(await detect()).toEqual(prettier);
    const result = await client.call('format.document', { path: 'src/a.ts', content: 'let a' });
    expect(result).toEqual({ content: '// formatted\nlet a\n', formatter: prettier });

    // by file type: Markdown is left to its language's formatter, TypeScript still goes to Prettier
    await client.call('settings.set', {
      scope: 'user',
      key: 'editor.defaultFormatterByExtension',
      value: { '.md': 'language-server' },
    });
    expect((await client.call('format.detect', { path: 'README.md' })).formatter).toBeNull();
    expect(await detect()).toEqual(prettier);
    await client.call('settings.set', { scope: 'user', key: 'editor.defaultFormatterByExtension' });
    await client.call('settings.set', { scope: 'user', key: 'editor.defaultFormatter' });
  });

  it("turns the formatter's stderr into one readable line", async () => {
    const root = prettierWorkspace('fail');
    await open(root, true);
    const error = await errorOf(client.call('format.document', { path: 'src/a.ts', content: 'let a\n\nb c' }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.message).toBe("Prettier: SyntaxError: ';' expected. (3:5)");
  });

  it('refuses a node_modules/prettier that is a symlink out of the workspace, without running it', async () => {
    const outside = temp('pa-format-outside-');
    writeFileSync(join(outside, '.fake-mode'), 'echo');
    installFakePrettier(join(outside, 'prettier'));
    const root = temp('pa-format-linked-');
    writeFileSync(join(root, '.fake-mode'), 'echo');
    writeFileSync(join(root, '.prettierrc'), '{}\n');
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(outside, 'prettier'), join(root, 'node_modules/prettier'));
    await open(root, true);

    expect((await client.call('format.detect', { path: 'a.ts' })).formatter).toBeNull();
    const error = await errorOf(client.call('format.document', { path: 'a.ts', content: 'x', formatter: 'prettier' }));
    expect(error.code).toBe(ErrorCode.NOT_FOUND);
    expect(ranIn(root) || ranIn(outside)).toBe(false);
  });

  it('refuses a package whose bin entry is a symlink out of the workspace, without running it', async () => {
    const outside = temp('pa-format-outside-');
    copyFileSync(fakePrettier, join(outside, 'prettier.cjs'));
    const root = prettierWorkspace('echo');
    const entry = join(root, 'node_modules/prettier/bin/prettier.cjs');
    rmSync(entry);
    symlinkSync(join(outside, 'prettier.cjs'), entry);
    await open(root, true);

    const error = await errorOf(client.call('format.document', { path: 'a.ts', content: 'x' }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.data).toMatchObject({ reason: 'path_outside_workspace' });
    expect(ranIn(root)).toBe(false);
  });

  it('kills a formatter that hangs at the time limit', async () => {
    const root = prettierWorkspace('hang');
    await open(root, true);
    const started = Date.now();
    const error = await errorOf(client.call('format.document', { path: 'a.ts', content: 'x' }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [pid] = pidsIn(root);
    expect(pid !== undefined && alive(pid)).toBe(false);
  });

  it('cuts off a formatter that prints 100 MB at the output limit, and the engine still answers', async () => {
    const root = prettierWorkspace('flood');
    await open(root, true);
    const error = await errorOf(client.call('format.document', { path: 'a.ts', content: 'x' }));
    expect(error.code).toBe(ErrorCode.TOO_LARGE);
    const [pid] = pidsIn(root);
    expect(pid !== undefined && alive(pid)).toBe(false);
    expect((await client.call('format.detect', { path: 'a.ts' })).formatter?.name).toBe('prettier');
  });
});
