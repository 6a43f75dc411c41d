// The built engine starts fast because heavy SDKs load on first use; a static import of one would put it back
// on every start (engine_cold_start). This reads the bundle's top-level imports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineMain } from '../../scripts/paths.js';

const LOADED_ON_FIRST_USE = [
  'node-llama-cpp',
  'openai',
  '@anthropic-ai/sdk',
  '@google/genai',
  '@modelcontextprotocol/sdk',
];

function staticImports(source: string): string[] {
  return [...source.matchAll(/^import\s[^;]*?from\s+"([^"]+)";?$/gm)].map((match) => match[1] as string);
}

describe('engine bundle', () => {
  it('imports no AI or MCP SDK at start-up, only on first use', () => {
    const source = readFileSync(engineMain, 'utf8');
    const imports = staticImports(source);
    expect(imports).toContain('better-sqlite3'); // the scan sees real imports
    for (const heavy of LOADED_ON_FIRST_USE) {
      expect(imports.filter((specifier) => specifier === heavy || specifier.startsWith(`${heavy}/`))).toEqual([]);
      expect(source).toContain(`import("${heavy}`);
    }
  });
});
