import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectScript, detectTestCommand } from './test-command.js';

const roots: string[] = [];
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pa-detect-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('detectTestCommand', () => {
  it('uses the package.json test script', () => {
    const root = project({ 'package.json': JSON.stringify({ scripts: { test: 'node --test' } }) });
    expect(detectTestCommand(root)).toMatchObject({ command: 'npm', args: ['test'] });
  });

  it('ignores the placeholder test script npm init writes', () => {
    const root = project({
      'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    });
    expect(detectTestCommand(root)).toBeNull();
  });

  it('recognises pytest, go test and cargo test projects', () => {
    expect(detectTestCommand(project({ 'pyproject.toml': '[project]\n' }))).toMatchObject({
      command: 'python3',
      args: ['-m', 'pytest'],
    });
    expect(detectTestCommand(project({ 'go.mod': 'module x\n' }))).toMatchObject({
      command: 'go',
      args: ['test', './...'],
    });
    expect(detectTestCommand(project({ 'Cargo.toml': '[package]\n' }))).toMatchObject({
      command: 'cargo',
      args: ['test'],
    });
  });

  it('falls back to a Makefile test target', () => {
    expect(detectTestCommand(project({ Makefile: 'build:\n\tcc x.c\ntest: build\n\t./run\n' }))).toMatchObject({
      command: 'make',
      args: ['test'],
    });
  });
});

describe('detectScript', () => {
  it('prefers a package.json script and falls back to a Makefile target', () => {
    const root = project({
      'package.json': JSON.stringify({ scripts: { lint: 'biome check' } }),
      Makefile: 'deploy:\n\techo hi\n',
    });
    expect(detectScript(root, 'lint')).toMatchObject({ command: 'npm', args: ['run', 'lint'] });
    expect(detectScript(root, 'deploy')).toMatchObject({ command: 'make', args: ['deploy'] });
    expect(detectScript(root, 'missing')).toBeNull();
  });
});
