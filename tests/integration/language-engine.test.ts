// The language capability against the real engine over its WebSocket: a file's project as TypeScript parses it
// (a tsconfig that `extends` a base, include/exclude, paths made workspace-relative), the typings it uses from
// node_modules (`@types/*` without an import, a package's own .d.ts through its exports, each with its
// package.json), a monorepo package reached through a symlink; and the hostile side: a symlink out of the
// workspace, `../` in `files`, an `extends` that climbs out, a symlinked folder pointing at the outside, a huge file.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ErrorCode,
  LANGUAGE_MAX_FILE_BYTES,
  type LanguageConfig,
  type LanguageFile,
  type LanguageProjectResult,
  type RpcClient,
} from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { TempFolders, writeBelow } from '../support/workspace.js';

let engine: StartedEngine;
let client: RpcClient;
let root: string;
let outside: string;
const temps = new TempFolders();
const write = (rel: string, content: string) => writeBelow(root, rel, content);
const json = (value: unknown) => JSON.stringify(value, null, 2);

beforeAll(async () => {
  root = temps.make('pa-language-');
  outside = temps.make('pa-language-outside-');
  writeFileSync(join(outside, 'secret.ts'), 'export const secret = "outside";\n');
  writeFileSync(join(outside, 'base.json'), json({ compilerOptions: { strict: false } }));
  mkdirSync(join(outside, 'tree'));
  writeFileSync(join(outside, 'tree', 'leak.ts'), 'export const leak = 1;\n');

  write('tsconfig.base.json', json({ compilerOptions: { strict: true, target: 'ES2022', jsx: 'react-jsx' } }));
  write(
    'app/tsconfig.json',
    json({
      extends: '../tsconfig.base.json',
      compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', baseUrl: '.', paths: { '~/*': ['src/*'] } },
      include: ['src'],
      exclude: ['src/**/*.test.ts'],
    }),
  );
  write(
    'app/src/main.ts',
    "import { shout } from '~/util';\nimport { lib } from 'pkg-lib';\nimport { shared } from '@ws/shared';\nexport const out = shout(lib + shared);\n",
  );
  write('app/src/util.ts', 'export function shout(text: string): string {\n  return text.toUpperCase();\n}\n');
  write('app/src/util.test.ts', 'export const excluded = true;\n');
  write('app/src/huge.ts', `export const huge = "${'x'.repeat(LANGUAGE_MAX_FILE_BYTES)}";\n`);
  // typings: an @types package (included without an import) and a package with its own .d.ts via exports
  write('node_modules/@types/globals-only/index.d.ts', 'declare const GLOBAL_ONLY: number;\n');
  write('node_modules/@types/globals-only/package.json', json({ name: '@types/globals-only', types: 'index.d.ts' }));
  write(
    'node_modules/pkg-lib/package.json',
    json({ name: 'pkg-lib', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }),
  );
  write('node_modules/pkg-lib/dist/index.d.ts', "export declare const lib: string;\nexport * from './more';\n");
  write('node_modules/pkg-lib/dist/more.d.ts', 'export declare const more: number;\n');
  write('node_modules/pkg-lib/dist/index.js', 'export const lib = "x";\n');
  write('node_modules/unused-lib/package.json', json({ name: 'unused-lib', types: 'index.d.ts' }));
  write('node_modules/unused-lib/index.d.ts', 'export declare const unused: 1;\n');
  // a monorepo package: node_modules/@ws/shared → packages/shared (a symlink inside the workspace)
  write('packages/shared/package.json', json({ name: '@ws/shared', types: './src/index.ts' }));
  write('packages/shared/src/index.ts', 'export const shared = "shared";\n');
  mkdirSync(join(root, 'node_modules/@ws'), { recursive: true });
  symlinkSync(join(root, 'packages/shared'), join(root, 'node_modules/@ws/shared'));

  // hostile: a file symlink and a folder symlink out, `../` in files, extends out of the workspace
  symlinkSync(join(outside, 'secret.ts'), join(root, 'app/src/secret-link.ts'));
  symlinkSync(join(outside, 'tree'), join(root, 'app/src/tree-link'));
  write(
    'evil/tsconfig.json',
    json({
      extends: `${outside}/base.json`,
      files: ['main.ts', `../../${outside.split('/').pop()}/tree/leak.ts`, `${outside}/secret.ts`],
    }),
  );
  write('evil/main.ts', 'export const evil = 1;\n');

  write('plain/loose.js', "import { shout } from '../app/src/util';\nshout('x');\n");
  engine = await startEngine({ workspace: root });
  client = await engine.connect();
}, 30_000);

afterAll(async () => {
  await engine?.stop();
  temps.removeAll();
});

async function project(path: string) {
  const stream = client.stream('language.project', { path });
  let config: LanguageConfig | null = null;
  const files = new Map<string, LanguageFile>();
  for await (const item of stream) {
    if (item.kind === 'config') config = item;
    else for (const file of item.files) files.set(file.path, file);
  }
  const result: LanguageProjectResult = await stream.result;
  return { config, files, result };
}

describe('language.project', () => {
  it('parses the tsconfig that includes the file (extends, include/exclude, paths made workspace-relative)', async () => {
    const { config, files, result } = await project('app/src/main.ts');
    expect(result.configPath).toBe('app/tsconfig.json');
    expect(config?.compilerOptions).toMatchObject({
      strict: true,
      jsx: 4,
      baseUrl: 'app',
      paths: { '~/*': ['app/src/*'] },
    });
    expect(config?.compilerOptions).not.toHaveProperty('configFilePath');
    expect(files.get('app/src/main.ts')?.role).toBe('source');
    expect(files.get('app/src/util.ts')?.text).toContain('toUpperCase');
    expect(files.has('app/src/util.test.ts')).toBe(false);
    expect(result.configErrors).toEqual([]);
  });

  it('sends the typings the project uses: @types without an import, a package’s own .d.ts via exports, with package.json', async () => {
    const { files, result } = await project('app/src/main.ts');
    const typings = [...files.values()].filter((file) => file.role === 'typings').map((file) => file.path);
    expect(typings).toEqual(
      expect.arrayContaining([
        'node_modules/@types/globals-only/index.d.ts',
        'node_modules/@types/globals-only/package.json',
        'node_modules/pkg-lib/dist/index.d.ts',
        'node_modules/pkg-lib/dist/more.d.ts',
        'node_modules/pkg-lib/package.json',
      ]),
    );
    expect(typings).not.toContain('node_modules/unused-lib/index.d.ts');
    expect(typings).not.toContain('node_modules/pkg-lib/dist/index.js');
    expect(result.typings).toBe(typings.length);
  });

  it('maps a monorepo package reached through a symlink to its workspace source', async () => {
    const { files, result } = await project('app/src/main.ts');
    expect(result.workspaceModules).toEqual({ '@ws/shared': 'packages/shared/src/index.ts' });
    expect(files.get('packages/shared/src/index.ts')?.role).toBe('source');
  });

  it('without a config, takes defaults and follows the file’s imports', async () => {
    const { config, files } = await project('plain/loose.js');
    expect(config?.configPath).toBeNull();
    expect(config?.compilerOptions).toMatchObject({ allowJs: true });
    expect([...files.keys()]).toEqual(expect.arrayContaining(['plain/loose.js', 'app/src/util.ts']));
  });

  it('hostile: a symlinked file or folder out of the workspace is refused, never read', async () => {
    const { files, result } = await project('app/src/main.ts');
    const texts = [...files.values()].map((file) => file.text).join('\n');
    expect(texts).not.toContain('outside');
    expect(texts).not.toContain('leak');
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { path: 'app/src/secret-link.ts', reason: 'outside_workspace' },
        { path: 'app/src/tree-link', reason: 'outside_workspace' },
        { path: 'app/src/huge.ts', reason: 'too_large' },
      ]),
    );
  });

  it('hostile: `../` and absolute paths in files, and an extends out of the workspace, read nothing outside', async () => {
    const { config, files, result } = await project('evil/main.ts');
    expect(result.configPath).toBe('evil/tsconfig.json');
    expect([...files.values()].filter((file) => file.role === 'source').map((file) => file.path)).toEqual([
      'evil/main.ts',
    ]);
    expect(result.skipped.filter((entry) => entry.reason === 'outside_workspace')).toHaveLength(2);
    // the base outside was never read: its strict: false did not arrive, and TypeScript says it found no file
    expect(config?.compilerOptions).not.toHaveProperty('strict');
    expect(result.configErrors.join('\n')).toMatch(/base\.json/);
  });

  it('hostile: a path that climbs out is refused with a typed error', async () => {
    expect(await errorOf(project('../etc/passwd'))).toMatchObject({ code: ErrorCode.BAD_REQUEST });
    const name = outside.split('/').pop() as string;
    expect(await errorOf(project(`app/src/tree-link/../../../${name}/secret.ts`))).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    expect(await errorOf(project('app/src/tree-link/leak.ts'))).toMatchObject({ code: ErrorCode.BAD_REQUEST });
  });
});

// The worker thread: the options come before any file and the files as they are read; a big project neither blocks
// the engine's other requests nor survives its cancellation; `language.prepare` reads the projects ahead (never one
// outside the workspace) and a file changed afterwards is sent as it is now.
describe('language.project in its worker thread', () => {
  let big: StartedEngine;
  let bigClient: RpcClient;
  let bigRoot: string;
  const FILES = 400;

  beforeAll(async () => {
    bigRoot = temps.make('pa-language-big-');
    const at = (rel: string, content: string) => writeBelow(bigRoot, rel, content);
    // hostile: a reference to a project outside the workspace is never parsed nor read ahead
    writeFileSync(join(outside, 'tsconfig.json'), json({ files: ['secret.ts'] }));
    at('tsconfig.json', json({ files: [], references: [{ path: 'app' }, { path: outside }] }));
    at('app/tsconfig.json', json({ compilerOptions: { strict: true }, include: ['src'] }));
    // each file imports the next: the imports are followed one by one, and ~4 KiB each fills several items
    const filler = `// ${'x'.repeat(4000)}\n`;
    for (let i = 0; i < FILES; i++) {
      at(`app/src/m${i}.ts`, `${filler}import { v${i + 1} } from './m${i + 1}';\nexport const v${i} = ${i};\n`);
    }
    at(`app/src/m${FILES}.ts`, `export const v${FILES} = ${FILES};\n`);
    at('app/src/changed.ts', 'export const before = 1;\n');
    big = await startEngine({ workspace: bigRoot });
    bigClient = await big.connect();
  }, 60_000);

  afterAll(async () => {
    await big?.stop();
  });

  it('sends the options first, then the opened file first, in items of bounded size', async () => {
    const stream = bigClient.stream('language.project', { path: 'app/src/m0.ts' });
    const kinds: string[] = [];
    let firstFile: string | null = null;
    let items = 0;
    for await (const item of stream) {
      kinds.push(item.kind);
      if (item.kind === 'files') {
        items += 1;
        firstFile ??= item.files[0]?.path ?? null;
      }
    }
    const result = await stream.result;
    expect(kinds[0]).toBe('config');
    expect(kinds.filter((kind) => kind === 'config')).toHaveLength(1);
    expect(firstFile).toBe('app/src/m0.ts');
    expect(items).toBeGreaterThan(2); // 1.6 MB in items of at most 512 KiB
    expect(result.sources).toBe(FILES + 2);
  });

  it('answers other requests while a project loads, and a cancelled load stops without stopping the next', async () => {
    const stream = bigClient.stream('language.project', { path: 'app/src/m0.ts' });
    const ping = performance.now();
    await bigClient.call('engine.ping', {});
    expect(performance.now() - ping).toBeLessThan(1_000);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the options
    stream.cancel();
    expect(await errorOf(stream.result)).toMatchObject({ code: ErrorCode.CANCELLED });
    const { result } = await projectOf(bigClient, 'app/src/m0.ts');
    expect(result.sources).toBe(FILES + 2);
  });

  it('a request cancelled while another loads stops only itself', async () => {
    const first = projectOf(bigClient, 'app/src/m0.ts');
    const second = bigClient.stream('language.project', { path: 'app/src/m1.ts' });
    second.cancel();
    expect(await errorOf(second.result)).toMatchObject({ code: ErrorCode.CANCELLED });
    expect((await first).result.sources).toBe(FILES + 2);
    expect((await projectOf(bigClient, 'app/src/m2.ts')).result.sources).toBe(FILES + 2);
  });

  it('prepares the root config’s projects ahead; a file changed afterwards is sent as it is now', async () => {
    const prepared = await bigClient.call('language.prepare', {});
    expect(prepared.configs).toBe(2); // the root's and app's, not the one outside
    expect(prepared.files).toBeGreaterThanOrEqual(FILES + 2);
    // same size, new content and mtime: the cache must not answer with the old text
    writeFileSync(join(bigRoot, 'app/src/changed.ts'), 'export const after_ = 1;\n');
    const { files } = await projectOf(bigClient, 'app/src/changed.ts');
    expect(files.get('app/src/changed.ts')?.text).toBe('export const after_ = 1;\n');
    expect(files.get('app/src/m400.ts')?.text).toContain('v400');
  });
});

async function projectOf(rpc: RpcClient, path: string) {
  const stream = rpc.stream('language.project', { path });
  const files = new Map<string, LanguageFile>();
  for await (const item of stream) if (item.kind === 'files') for (const file of item.files) files.set(file.path, file);
  return { files, result: await stream.result };
}
