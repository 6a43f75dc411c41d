import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandEnv } from './command-env.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function workspace(dotenv?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'pa-env-'));
  roots.push(root);
  if (dotenv !== undefined) writeFileSync(join(root, '.env'), dotenv);
  return root;
}

const engineEnv = {
  PATH: '/usr/bin',
  HOME: '/home/dev',
  LANG: 'C.UTF-8',
  ANTHROPIC_API_KEY: 'sk-ant-secret',
  OPENAI_API_KEY: 'sk-secret',
  PA_RELAY_TOKEN: 'relay-secret',
  PA_DATA_DIR: '/home/dev/.pa',
};

describe('commandEnv', () => {
  it("passes PATH, HOME and the locale, never the engine's API keys or PA_* settings", () => {
    expect(commandEnv(workspace(), false, engineEnv)).toEqual({ PATH: '/usr/bin', HOME: '/home/dev', LANG: 'C.UTF-8' });
  });

  it("adds the workspace's own .env only when the workspace is trusted", () => {
    const root = workspace('DATABASE_URL=postgres://localhost/dev\n# a comment\nQUOTED="a b"\n');
    expect(commandEnv(root, false, engineEnv)).not.toHaveProperty('DATABASE_URL');
    expect(commandEnv(root, true, engineEnv)).toMatchObject({
      PATH: '/usr/bin',
      DATABASE_URL: 'postgres://localhost/dev',
      QUOTED: 'a b',
    });
    expect(commandEnv(root, true, engineEnv)).not.toHaveProperty('OPENAI_API_KEY');
  });
});
