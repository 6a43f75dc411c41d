import { describe, expect, it } from 'vitest';
import { editTurns, stripCodeFence } from './prompts.js';

describe('edit prompts', () => {
  it('strips one Markdown fence around an edit answer and leaves plain code alone', () => {
    expect(stripCodeFence('```ts\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(stripCodeFence('const a = 1;\n')).toBe('const a = 1;\n');
    expect(stripCodeFence('see ```x``` here')).toBe('see ```x``` here');
  });

  it('names the file and language and asks for code only', () => {
    const [system, user] = editTurns({ instruction: 'rename', code: 'x', path: 'a.ts', language: 'typescript' });
    expect(system?.content).toContain('no Markdown fences');
    expect(user?.content).toContain('from a.ts (typescript)');
  });
});
