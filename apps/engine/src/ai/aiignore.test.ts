import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AiIgnore } from './aiignore.js';

describe('.aiignore', () => {
  const roots: string[] = [];
  const workspace = (rules?: string) => {
    const root = mkdtempSync(join(tmpdir(), 'pa-aiignore-'));
    roots.push(root);
    if (rules !== undefined) writeFileSync(join(root, '.aiignore'), rules);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('excludes files and folders in gitignore syntax, relative or absolute, negations included', () => {
    const root = workspace('secrets/\n*.pem\n!public.pem\n/config/prod.ts\n');
    const rules = new AiIgnore(() => root);
    expect(rules.excludes('secrets/a/b.ts')).toBe(true);
    expect(rules.excludes(join(root, 'secrets', 'key.ts'))).toBe(true);
    expect(rules.excludes('certs/server.pem')).toBe(true);
    expect(rules.excludes('certs/public.pem')).toBe(false);
    expect(rules.excludes('config/prod.ts')).toBe(true);
    expect(rules.excludes('src/config/prod.ts')).toBe(false);
    expect(rules.excludes('src/index.ts')).toBe(false);
  });

  it('excludes nothing without a workspace, without the file, or outside the workspace', () => {
    expect(new AiIgnore(() => null).excludes('secrets/a.ts')).toBe(false);
    expect(new AiIgnore(() => workspace()).excludes('secrets/a.ts')).toBe(false);
    const root = workspace('*\n');
    const rules = new AiIgnore(() => root);
    expect(rules.excludes('../elsewhere/a.ts')).toBe(false);
    expect(rules.excludes('/somewhere/else.ts')).toBe(false);
    expect(rules.excludes('a.ts')).toBe(true);
  });

  it('reads the file again when it changes', () => {
    const root = workspace('a.ts\n');
    const rules = new AiIgnore(() => root);
    expect(rules.excludes('b.ts')).toBe(false);
    writeFileSync(join(root, '.aiignore'), 'b.ts\n');
    utimesSync(join(root, '.aiignore'), new Date(), new Date(Date.now() + 5_000));
    expect(rules.excludes('b.ts')).toBe(true);
    expect(rules.excludes('a.ts')).toBe(false);
  });
});
