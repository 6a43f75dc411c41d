// The Source Control view's "Generate commit message" asks the AI with the built-in commit workflow's prompt:
// this keeps the UI's copy word for word what resources/workflows/commit.yml says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { COMMIT_MESSAGE_PROMPT } from '../../packages/ui/src/scm/groups.js';
import { repoRoot } from '../../scripts/paths.js';

it('asks the AI with the commit workflow prompt, word for word', () => {
  const workflow = readFileSync(join(repoRoot, 'resources/workflows/commit.yml'), 'utf8');
  const prompt = /prompt: \|\n((?: {8}.*\n|\n)+?) {8}\{\{ steps\.staged\.output \}\}/.exec(workflow)?.[1];
  expect(prompt?.replace(/^ {8}/gm, '')).toBe(COMMIT_MESSAGE_PROMPT);
});
