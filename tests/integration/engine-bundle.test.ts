// The built engine starts fast because what the first request does not need loads on first use: the AI and MCP
// SDKs, the workflow and collab capabilities with their packages (yaml, diff, Yjs), the language capabilities
// (TypeScript's compiler, the LSP client) and the settings files' JSONC parser. A static import of one would
// put it back on every start (engine_cold_start). This follows the bundle's static imports from main.js through
// its chunks.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineMain } from '../../scripts/paths.js';

const LOADED_ON_FIRST_USE = [
  'node-llama-cpp',
  'openai',
  '@anthropic-ai/sdk',
  '@google/genai',
  '@modelcontextprotocol/sdk',
  'yaml',
  'diff',
  'yjs',
  'y-protocols',
  're2js',
  'node-pty',
  '@xterm/headless',
  '@xterm/addon-serialize',
  'vscode-jsonrpc',
  'vscode-languageserver-textdocument',
  // the language capability's project model: only its worker thread (language-worker.js) imports it
  'typescript',
  // the settings files' JSONC parser: the settings capability loads with the first settings request
  'jsonc-parser',
];

/** The files main.js evaluates at start, and the packages they import or require. */
function startPath(): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/^import\s(?:[^;]*?from\s+)?"([^"]+)";?$/gm)) {
      if (specifier?.startsWith('.')) visit(join(dirname(file), specifier));
      else if (specifier && !specifier.startsWith('node:')) packages.add(specifier);
    }
    for (const [, specifier] of source.matchAll(/__require\("([^"]+)"\)/g)) if (specifier) packages.add(specifier);
  };
  visit(engineMain);
  return { files, packages };
}

const matches = (specifier: string, name: string) => specifier === name || specifier.startsWith(`${name}/`);

describe('engine bundle', () => {
  it('loads no AI or MCP SDK, workflow or collab package at start-up, only on first use', () => {
    const { files, packages } = startPath();
    expect(files.length).toBeGreaterThan(1); // main.js and the chunks it imports
    expect(packages).toContain('better-sqlite3'); // the scan sees real dependencies
    expect(packages).toContain('ws');
    for (const heavy of LOADED_ON_FIRST_USE) {
      expect([...packages].filter((specifier) => matches(specifier, heavy))).toEqual([]);
    }
    const everything = readdirSync(dirname(engineMain))
      .filter((name) => name.endsWith('.js'))
      .map((name) => readFileSync(join(dirname(engineMain), name), 'utf8'))
      .join('\n');
    for (const sdk of LOADED_ON_FIRST_USE.slice(0, 5)) expect(everything).toContain(`import("${sdk}`);
  });

  it('has the language worker as its own entry, which the engine never imports (a worker thread loads it)', () => {
    const worker = join(dirname(engineMain), 'language-worker.js');
    expect(readFileSync(worker, 'utf8')).toMatch(/from "typescript"|require\("typescript"\)/);
    const { files } = startPath();
    expect(files).not.toContain(worker);
  });

  it("bundles zod's English messages only, not its 50 other languages (scripts/build.mjs zodEnglishOnly)", () => {
    const start = startPath()
      .files.map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(start).toContain('Invalid input: expected'); // zod's en locale, what every error says
    expect(start).toContain('node_modules/zod/v4/classic/external.js'); // zod is in the start path at all
    for (const other of ['erwartet', 'attendu', 'se esperaba']) expect(start).not.toContain(other); // de, fr, es
  });
});
