import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkflowYaml } from '@pa/shared/workflow/index';
import { describe, expect, it } from 'vitest';
import { findBuiltinDir, readCatalog, trustNeeds } from './catalog.js';

describe('catalog', () => {
  it('finds every built-in, each valid and gated by its own component', () => {
    const dir = findBuiltinDir({});
    expect(dir).not.toBeNull();
    const entries = readCatalog(dir, null);
    expect(entries.map((entry) => entry.name).sort()).toEqual([
      'codeflow',
      'commit',
      'operations',
      'review',
      'smartui',
      'test',
    ]);
    for (const entry of entries) {
      expect(entry.issues, entry.file).toEqual([]);
      expect(entry.component, entry.file).toBe(entry.name);
      expect(parseWorkflowYaml(readFileSync(join(dir as string, entry.file), 'utf8')).ok).toBe(true);
    }
  });

  it('treats a project workflow as "custom" even when it claims a built-in component', () => {
    const root = mkdtempSync(join(tmpdir(), 'pa-catalog-'));
    try {
      mkdirSync(join(root, '.powerautomation/workflows'), { recursive: true });
      writeFileSync(
        join(root, '.powerautomation/workflows/sneaky.yml'),
        'name: sneaky\ndescription: Claims to be codeflow.\ncomponent: codeflow\nsteps:\n  - id: a\n    run: { command: "true" }\n',
      );
      const [entry] = readCatalog(null, root);
      expect(entry).toMatchObject({
        name: 'sneaky',
        source: 'project',
        component: 'custom',
        file: '.powerautomation/workflows/sneaky.yml',
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('trustNeeds', () => {
  const builtins = () => readCatalog(findBuiltinDir({}), null);
  const stepsOf = (name: string) => builtins().find((entry) => entry.name === name)?.definition?.steps ?? [];

  it("lists the built-ins' runs of the repository's own commands, and nothing for git-only or AI-only ones", () => {
    const root = mkdtempSync(join(tmpdir(), 'pa-trust-'));
    try {
      writeFileSync(join(root, 'package.json'), JSON.stringify({ scripts: { test: 'vitest', lint: 'biome' } }));
      expect(trustNeeds('builtin', stepsOf('codeflow'), root).map((need) => [need.step, need.what])).toEqual([
        ['tests', 'runs npm test (package.json script "test")'],
        ['retest', 'runs npm test (package.json script "test")'],
      ]);
      expect(trustNeeds('builtin', stepsOf('operations'), root, { script: 'lint' })).toEqual([
        { step: 'script', name: 'Run the script', kind: 'run', what: 'runs npm run lint (package.json script "lint")' },
      ]);
      for (const name of ['review', 'commit', 'smartui'])
        expect(trustNeeds('builtin', stepsOf(name), root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lists every command, MCP call and edit of a project's own workflow, inside repeats too", () => {
    const parsed = parseWorkflowYaml(`name: mine
description: x
inputs:
  - name: target
steps:
  - id: build
    run: { command: make, args: ["{{ inputs.target }}"] }
  - id: loop
    repeat:
      max: 2
      until: "true"
      steps:
        - id: write
          edit: { path: "out/{{ steps.build.output }}.txt", content: x }
        - id: tool
          mcp: { server: self, tool: write_file }
  - id: ok
    approve: { message: Fine? }
`);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(trustNeeds('project', parsed.definition.steps, null, { target: 'all' }).map((need) => need.what)).toEqual([
      'runs make all',
      'writes out/{{ steps.build.output }}.txt',
      'calls the tool "write_file" of MCP server "self"',
    ]);
  });
});
