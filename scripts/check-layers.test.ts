import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkRepository, engineCapabilityOf, LAYERS, type Layer, specifiersOf } from './check-layers.js';
import { repoRoot } from './paths.js';

function layer(dir: string): Layer {
  const found = LAYERS.find((candidate) => candidate.dir === dir);
  if (!found) throw new Error(`no layer ${dir}`);
  return found;
}

const reasons = (dir: string, file: string, text: string) => checkFile(layer(dir), file, text).map((v) => v.specifier);

describe('the layer rule', () => {
  it('holds for the whole repository', () => {
    const violations = checkRepository(repoRoot);
    expect(violations.map((v) => `${v.file}: "${v.specifier}" (${v.reason})`)).toEqual([]);
  });

  it('finds every way a file can name a module', () => {
    const text = [
      '/// <reference types="f" />',
      "import a from 'a';",
      "import type { B } from 'b';",
      "export * from 'c';",
      "const d = require('d');",
      "const e = await import('e');",
      "// import nope from 'in-a-comment';",
    ].join('\n');
    expect(specifiersOf(text).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('keeps packages/shared free of our packages, Node and Electron', () => {
    const file = 'packages/shared/src/x.ts';
    expect(reasons('packages/shared/src', file, "import { z } from 'zod';")).toEqual([]);
    expect(
      reasons(
        'packages/shared/src',
        file,
        "import '@pa/engine'; import 'node:fs'; import 'path'; import type { App } from 'electron';",
      ),
    ).toEqual(['@pa/engine', 'node:fs', 'path', 'electron']);
  });

  it('lets packages/ui import @pa/shared only, and no Node or Electron outside its tests', () => {
    const dir = 'packages/ui/src';
    expect(reasons(dir, 'packages/ui/src/a.tsx', "import { PaError } from '@pa/shared';")).toEqual([]);
    expect(reasons(dir, 'packages/ui/src/a.tsx', "import '@pa/engine/dist/x.js'; import 'electron/renderer';")).toEqual(
      ['@pa/engine/dist/x.js', 'electron/renderer'],
    );
    expect(reasons(dir, 'packages/ui/src/a.tsx', "import { readFile } from 'node:fs/promises';")).toEqual([
      'node:fs/promises',
    ]);
    expect(reasons(dir, 'packages/ui/src/a.test.tsx', "import { readFile } from 'node:fs/promises';")).toEqual([]);
  });

  it('keeps Electron and the UI out of the engine, and the engine out of the relay', () => {
    expect(
      reasons('apps/engine/src', 'apps/engine/src/a.ts', "import { app } from 'electron'; import '@pa/ui';"),
    ).toEqual(['electron', '@pa/ui']);
    expect(reasons('apps/engine/src', 'apps/engine/src/a.ts', "import 'node:fs'; import '@pa/shared';")).toEqual([]);
    expect(
      reasons('apps/relay/src', 'apps/relay/src/a.ts', "import '@pa/engine'; import '@pa/ui'; require('electron');"),
    ).toEqual(['@pa/engine', '@pa/ui', 'electron']);
  });

  it('keeps the desktop shell from importing the engine or the UI it only runs', () => {
    const file = 'apps/desktop/src/main/main.ts';
    expect(reasons('apps/desktop/src', file, "import { app } from 'electron'; import '@pa/shared';")).toEqual([]);
    expect(reasons('apps/desktop/src', file, "import '@pa/engine'; import '@pa/ui';")).toEqual([
      '@pa/engine',
      '@pa/ui',
    ]);
  });

  it('keeps Node modules out of the sandboxed preload', () => {
    const dir = 'apps/desktop/src/preload';
    expect(
      reasons(dir, 'apps/desktop/src/preload/p.ts', "import { ipcRenderer } from 'electron'; import '../c.js';"),
    ).toEqual([]);
    expect(reasons(dir, 'apps/desktop/src/preload/p.ts', "import 'node:fs'; import '@pa/engine';")).toEqual([
      'node:fs',
      '@pa/engine',
    ]);
  });

  it('refuses relative paths that climb out of the package, which would dodge the rule', () => {
    expect(reasons('apps/engine/src', 'apps/engine/src/a.ts', "import '../../../tests/support/engine.js';")).toEqual([
      '../../../tests/support/engine.js',
    ]);
    expect(
      reasons('apps/engine/src', 'apps/engine/src/a.test.ts', "import '../../../tests/support/engine.js';"),
    ).toEqual([]);
    expect(reasons('packages/ui/src', 'packages/ui/src/a/b.ts', "import '../../../../apps/engine/src/x.js';")).toEqual([
      '../../../../apps/engine/src/x.js',
    ]);
    expect(
      reasons('packages/ui/src', 'packages/ui/src/a/b.ts', "import '../c.js'; import '../../package.json';"),
    ).toEqual([]);
  });

  it('lets a capability of the engine reach another only through its index.ts or api.ts', () => {
    const dir = 'apps/engine/src';
    const file = 'apps/engine/src/workflow/steps/ai.ts';
    expect(
      reasons(
        dir,
        file,
        "import '../../ai/index.js'; import type { X } from '../../license/api.js'; import '../run.js';",
      ),
    ).toEqual([]);
    expect(reasons(dir, file, "import '../../rpc/handlers.js'; import '../../context.js';")).toEqual([]);
    expect(
      reasons(
        dir,
        file,
        "import '../../ai/router.js'; import type { Y } from '../../mcp/client.js'; import('../../collab/cli.js');",
      ),
    ).toEqual(['../../ai/router.js', '../../mcp/client.js', '../../collab/cli.js']);
    // the assembly and the infrastructure are held to the same doors; only the `pa` program may add a cli.ts
    expect(reasons(dir, 'apps/engine/src/engine.ts', "import './ai/router.js'; import './ai/cli.js';")).toEqual([
      './ai/router.js',
      './ai/cli.js',
    ]);
    expect(reasons(dir, 'apps/engine/src/server/serve.ts', "import '../files/tree.js';")).toEqual(['../files/tree.js']);
    expect(reasons(dir, 'apps/engine/src/cli.ts', "import './ai/cli.js'; import './mcp/cli.js';")).toEqual([]);
  });

  it("tells capability folders from the engine's infrastructure and its assembly", () => {
    expect(engineCapabilityOf('apps/engine/src/mcp/client.ts')).toBe('mcp');
    expect(engineCapabilityOf('apps/engine/src/workflow/steps/edit.ts')).toBe('workflow');
    expect(engineCapabilityOf('apps/engine/src/rpc/router.ts')).toBeNull();
    expect(engineCapabilityOf('apps/engine/src/server/http.ts')).toBeNull();
    expect(engineCapabilityOf('apps/engine/src/cli/local-engine.ts')).toBeNull();
    expect(engineCapabilityOf('apps/engine/src/engine.ts')).toBeNull();
    expect(engineCapabilityOf('packages/shared/src/ai/x.ts')).toBeNull();
  });

  it("fails on the fixture engine whose workflow imports ai's private router", () => {
    const violations = checkRepository(join(repoRoot, 'scripts/fixtures/cross-capability'));
    expect(violations.map((v) => `${v.file}: ${v.specifier}`)).toEqual([
      'apps/engine/src/workflow/index.ts: ../ai/router.js',
    ]);
    expect(violations[0]?.reason).toMatch(/ai\/index\.ts or ai\/api\.ts/);
  });
});
