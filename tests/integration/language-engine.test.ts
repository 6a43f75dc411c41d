// The language capability against the real engine over its WebSocket: a file's project as TypeScript parses it
// (a tsconfig that `extends` a base, include/exclude, paths made workspace-relative), the typings it uses from
// node_modules (`@types/*` without an import, a package's own .d.ts through its exports, each with its
// package.json), a monorepo package reached through a symlink; and the hostile side: a symlink out of the
// workspace, `../` in `files`, an `extends` that climbs out, a symlinked folder pointing at the outside, a huge file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

let engine: StartedEngine;
let client: RpcClient;
let root: string;
let outside: string;

function write(rel: string, content: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), content);
}
const json = (value: unknown) => JSON.stringify(value, null, 2);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pa-language-'));
  outside = mkdtempSync(join(tmpdir(), 'pa-language-outside-'));
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
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
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
    const { config, files } = await project('app/src/main.ts');
    expect(config?.workspaceModules).toEqual({ '@ws/shared': 'packages/shared/src/index.ts' });
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
