import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { optionsAsJson, packageJsonOf } from './project.js';

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
