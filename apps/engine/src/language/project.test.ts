import { mkdirSync, mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageFile } from '@pa/shared';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinedHost } from './host.js';
import { FileCache, loadProject, optionsAsJson, packageJsonOf, prepareProjects } from './project.js';

const LIMITS = { maxFileBytes: 1 << 20, maxFiles: 1000, maxTotalBytes: 8 << 20 };
let root: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'pa-project-')));
  const write = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: 'app' }] }));
  write('app/tsconfig.json', JSON.stringify({ compilerOptions: { strict: true }, include: ['src'] }));
  write('app/src/a.ts', "import { b } from './b';\nexport const a = b;\n");
  write('app/src/b.ts', "import { c } from './c';\nexport const b = c;\n");
  write('app/src/c.ts', 'export const c = 1;\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadProject with a sink', () => {
  it('reports the options before any file, then each file as it is read, the opened one first', () => {
    const events: string[] = [];
    const model = loadProject(confinedHost(root), join(root, 'app/src/b.ts'), LIMITS, {
      config: ({ configPath, compilerOptions }) => events.push(`config ${configPath} ${compilerOptions.strict}`),
      file: (file: LanguageFile) => events.push(file.path),
    });
    expect(events[0]).toBe('config app/tsconfig.json true');
    expect(events[1]).toBe('app/src/b.ts');
    expect(events.slice(1).sort()).toEqual(['app/src/a.ts', 'app/src/b.ts', 'app/src/c.ts']);
    expect(model.files.map((file) => file.path).sort()).toEqual(events.slice(1).sort());
  });

  it('stops between files when told to (cancelled): what was read so far is all it sends', () => {
    const read: string[] = [];
    loadProject(confinedHost(root), join(root, 'app/src/a.ts'), LIMITS, {
      file: (file) => read.push(file.path),
      stopped: () => read.length >= 1,
    });
    expect(read).toEqual(['app/src/a.ts']);
  });
});

describe('FileCache', () => {
  it('answers a later load from what an earlier one read, until the file changes on disk', () => {
    const cache = new FileCache(1 << 20);
    const prepared = prepareProjects(confinedHost(root), LIMITS, cache, () => false);
    expect(prepared).toEqual({ configs: 2, files: 3 });
    expect(cache.size).toBe(3);
    // same size, other text and a later mtime: read again
    writeFileSync(join(root, 'app/src/c.ts'), 'export const c = 2;\n');
    utimesSync(join(root, 'app/src/c.ts'), new Date(), new Date(Date.now() + 5_000));
    const model = loadProject(confinedHost(root), join(root, 'app/src/a.ts'), LIMITS, {}, cache);
    expect(model.files.find((file) => file.path === 'app/src/c.ts')?.text).toBe('export const c = 2;\n');
  });

  it('keeps at most its bytes, dropping the oldest', () => {
    const cache = new FileCache(10);
    cache.set('/a', { size: 6, mtimeMs: 1, text: 'aaaaaa', info: null });
    cache.set('/b', { size: 6, mtimeMs: 1, text: 'bbbbbb', info: null });
    expect(cache.get('/a', 6, 1)).toBeNull();
    expect(cache.get('/b', 6, 1)?.text).toBe('bbbbbb');
    expect(cache.get('/b', 6, 2)).toBeNull();
  });

  it('hostile: a read-ahead stays within one project’s limits in all, however many projects are referenced', () => {
    const many = realpathSync(mkdtempSync(join(tmpdir(), 'pa-project-many-')));
    try {
      const references = [];
      for (let i = 0; i < 100; i++) {
        mkdirSync(join(many, `p${i}`));
        writeFileSync(join(many, `p${i}`, 'tsconfig.json'), JSON.stringify({ include: ['*.ts'] }));
        writeFileSync(join(many, `p${i}`, 'a.ts'), `export const a = "${'x'.repeat(1000)}";\n`);
        references.push({ path: `p${i}` });
      }
      writeFileSync(join(many, 'tsconfig.json'), JSON.stringify({ files: [], references }));
      const limits = { maxFileBytes: 1 << 20, maxFiles: 1000, maxTotalBytes: 10_500 };
      const prepared = prepareProjects(confinedHost(many), limits, new FileCache(1 << 20), () => false);
      expect(prepared.configs).toBe(64); // the root and 63 of its references
      expect(prepared.files).toBe(10); // ten files of ~1 KB fill the 10.5 KB of one project
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('a read-ahead gives way at once when told to', () => {
    expect(prepareProjects(confinedHost(root), LIMITS, new FileCache(1 << 20), () => true).files).toBe(0);
  });
});

describe('packageJsonOf', () => {
  it('names the package.json of the package a typings file belongs to, scoped or not', () => {
    expect(packageJsonOf('/w/node_modules/pkg/dist/index.d.ts')).toBe('/w/node_modules/pkg/package.json');
    expect(packageJsonOf('/w/node_modules/@types/node/fs.d.ts')).toBe('/w/node_modules/@types/node/package.json');
    expect(packageJsonOf('/w/node_modules/a/node_modules/b/x.d.ts')).toBe(
      '/w/node_modules/a/node_modules/b/package.json',
    );
    expect(packageJsonOf('/w/src/x.d.ts')).toBeNull();
  });
});

describe('optionsAsJson', () => {
  it('drops output options and makes paths workspace-relative, resolving paths substitutions against baseUrl', () => {
    const json = optionsAsJson('/w', {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      outDir: '/w/dist',
      configFilePath: '/w/app/tsconfig.json',
      baseUrl: '/w/app',
      rootDir: '/w/app/src',
      typeRoots: ['/w/node_modules/@types', '/elsewhere/types'],
      paths: { '~/*': ['src/*'], 'up/*': ['../../outside/*'] },
      lib: ['lib.es2022.d.ts'],
    });
    expect(json).toEqual({
      strict: true,
      target: ts.ScriptTarget.ES2022,
      baseUrl: 'app',
      rootDir: 'app/src',
      typeRoots: ['node_modules/@types'],
      paths: { '~/*': ['app/src/*'], 'up/*': [] },
      lib: ['lib.es2022.d.ts'],
    });
  });

  it('resolves paths against the config folder when there is no baseUrl', () => {
    const json = optionsAsJson('/w', { paths: { '#x': ['./x.ts'] }, pathsBasePath: '/w/pkg' });
    expect(json).toEqual({ paths: { '#x': ['pkg/x.ts'] } });
  });

  it('leaves out a baseUrl outside the workspace', () => {
    expect(optionsAsJson('/w', { baseUrl: '/other' })).toEqual({});
  });
});
