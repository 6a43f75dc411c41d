import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkflowYaml } from '@pa/shared/workflow/index';
import { describe, expect, it } from 'vitest';
import { findBuiltinDir, readCatalog } from './catalog.js';

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
