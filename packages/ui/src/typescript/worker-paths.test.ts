import { describe, expect, it } from 'vitest';
import { sameJson, workerCompilerOptions, workerFileName, workspacePathOf } from './worker-paths';

describe('worker file names', () => {
  it('names a workspace file file:///path, unencoded, and reads encoded names back', () => {
    expect(workerFileName('node_modules/@types/node/index.d.ts')).toBe('file:///node_modules/@types/node/index.d.ts');
    expect(workspacePathOf('file:///node_modules/%40types/node/index.d.ts')).toBe(
      'node_modules/@types/node/index.d.ts',
    );
    expect(workspacePathOf('file:///src/a b.ts')).toBe('src/a b.ts');
    expect(workspacePathOf('lib.dom.d.ts')).toBeNull();
  });
});

describe('workerCompilerOptions', () => {
  it('puts path options and paths substitutions in the worker’s URI space', () => {
    const options = workerCompilerOptions({
      compilerOptions: {
        strict: true,
        baseUrl: 'app',
        rootDir: 'app/src',
        rootDirs: ['a', 'b'],
        paths: { '~/*': ['app/src/*'] },
      },
      workspaceModules: {},
    });
    expect(options).toEqual({
      strict: true,
      baseUrl: 'file:///app',
      rootDir: 'file:///app/src',
      rootDirs: ['file:///a', 'file:///b'],
      paths: { '~/*': ['file:///app/src/*'] },
      allowNonTsExtensions: true,
    });
  });

  it('maps each workspace package by its exact name, beside the project’s own patterns', () => {
    const options = workerCompilerOptions({
      compilerOptions: { paths: { '@ws/*': ['packages/*/src'] } },
      workspaceModules: { '@ws/shared': 'packages/shared/src/index.ts' },
    });
    expect(options.paths).toEqual({
      '@ws/*': ['file:///packages/*/src'],
      '@ws/shared': ['file:///packages/shared/src/index.ts'],
    });
  });

  it('leaves out what the worker cannot use and lowers a target newer than its TypeScript to ESNext', () => {
    const options = workerCompilerOptions({
      compilerOptions: { types: ['node'], typeRoots: ['x'], declaration: true, target: 11, jsx: 4 },
      workspaceModules: {},
    });
    expect(options).toEqual({ target: 99, jsx: 4, allowNonTsExtensions: true });
    expect(workerCompilerOptions({ compilerOptions: { target: 9 }, workspaceModules: {} }).target).toBe(9);
  });
});

describe('sameJson (options that would restart the worker for nothing)', () => {
  it('is true for the same options in another key order, false for any real change', () => {
    const options = { strict: true, paths: { '@a/*': ['file:///a/*'] }, lib: ['lib.es2022.d.ts'] };
    expect(sameJson(options, { lib: ['lib.es2022.d.ts'], paths: { '@a/*': ['file:///a/*'] }, strict: true })).toBe(
      true,
    );
    expect(sameJson(options, { ...options, strict: false })).toBe(false);
    expect(sameJson(options, { ...options, paths: { '@a/*': ['file:///b/*'] } })).toBe(false);
    expect(sameJson(options, { ...options, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] })).toBe(false);
    expect(sameJson(options, { strict: true, paths: options.paths })).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
  });
});
