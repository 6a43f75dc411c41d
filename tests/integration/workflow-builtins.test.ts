// The other built-in workflows on the real engine with a scripted loopback model: review (comments anchored to
// file:line), smartui (a new component file after approval), operations (a named script, failure summarised) and
// commit (a message for the staged diff, committed after approval).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../support/workspace.js';
import { type Harness, RunWatch, startHarness } from './workflow-harness.js';

const COMPONENT = `--- /dev/null
+++ b/src/components/Badge.tsx
@@ -0,0 +1,3 @@
+export function Badge({ label }: { label: string }) {
+  return <span className="badge">{label}</span>;
+}
`;

let h: Harness;
const workspace = copyFixture('failing-tests-project');
const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace.root, encoding: 'utf8' });

beforeAll(async () => {
  git('init', '-q');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('add', '.');
  git('commit', '-qm', 'initial');
  const pkg = JSON.parse(readFileSync(join(workspace.root, 'package.json'), 'utf8'));
  pkg.scripts.lint = 'echo "src/math.js: multiply looks wrong" >&2; exit 2';
  writeFileSync(join(workspace.root, 'package.json'), JSON.stringify(pkg, null, 2));
  h = await startHarness({
    root: workspace.root,
    script: (request) => {
      const prompt = JSON.stringify(request.body.messages ?? '');
      if (prompt.includes('Review this change')) {
        return {
          kind: 'ok',
          text: '{"comments":[{"file":"src/math.js","line":7,"severity":"error","message":"multiply adds"}]}',
        };
      }
      if (prompt.includes('React function component')) return { kind: 'ok', text: `\`\`\`diff\n${COMPONENT}\`\`\`` };
      if (prompt.includes('script failed')) return { kind: 'ok', text: 'The linter flags multiply in src/math.js.' };
      if (prompt.includes('commit message'))
        return { kind: 'ok', text: 'Declare the lint script\n\nSo the operations workflow can run it.' };
      return { kind: 'ok', text: 'unexpected prompt' };
    },
  });
});

afterAll(async () => {
  await h?.stop();
  workspace.remove();
});

const run = (name: string, inputs: Record<string, string> = {}, autoApprove = false) =>
  RunWatch.start(h.client, h.client.call('workflow.run', { name, inputs, autoApprove }));

describe('built-in workflows', () => {
  it('review reads the git diff and answers with comments anchored to file:line', async () => {
    writeFileSync(
      join(workspace.root, 'src/math.js'),
      `${readFileSync(join(workspace.root, 'src/math.js'), 'utf8')}// todo\n`,
    );
    const watch = await run('review');
    expect((await watch.finished()).state).toBe('succeeded');
    const steps = (await watch.detail()).steps;
    expect(steps[0]?.output).toMatchObject({ stdout: expect.stringContaining('+// todo') });
    expect(steps[1]?.output).toMatchObject({
      output: { comments: [{ file: 'src/math.js', line: 7, severity: 'error' }] },
    });
    expect(JSON.stringify(h.provider.requests.at(-1)?.body.messages)).toContain('+// todo');
    git('checkout', '--', 'src/math.js');
  });

  it('smartui writes the new component only after approval', async () => {
    const watch = await run('smartui', { description: 'A small label badge', path: 'src/components/Badge.tsx' });
    const waiting = await watch.step('review', 'waiting');
    expect(waiting.input).toMatchObject({ message: 'Create src/components/Badge.tsx?', show: COMPONENT });
    expect(() => readFileSync(join(workspace.root, 'src/components/Badge.tsx'))).toThrow();
    await h.client.call('workflow.approve', { runId: watch.runId, stepId: 'review', approved: true });
    expect((await watch.finished()).state).toBe('succeeded');
    expect(readFileSync(join(workspace.root, 'src/components/Badge.tsx'), 'utf8')).toContain('export function Badge');
  });

  it('operations runs a package.json script, streams it and summarises the failure', async () => {
    // a repository's own scripts run only in a workspace the user trusts
    await h.client.call('workflow.trust.set', { trusted: true });
    const watch = await run('operations', { script: 'lint' });
    expect((await watch.finished()).state).toBe('succeeded');
    expect(watch.logs('script')).toContain('multiply looks wrong');
    const steps = (await watch.detail()).steps;
    expect(steps[0]).toMatchObject({ input: { display: 'npm run lint' }, output: { exitCode: 2 } });
    expect(steps[1]?.output).toMatchObject({ output: 'The linter flags multiply in src/math.js.' });
  });

  it('commit writes a message for the staged diff and commits after approval', async () => {
    git('add', 'package.json');
    const watch = await run('commit');
    const waiting = await watch.step('review', 'waiting');
    expect(waiting.input).toMatchObject({ show: 'Declare the lint script\n\nSo the operations workflow can run it.' });
    await h.client.call('workflow.approve', { runId: watch.runId, stepId: 'review', approved: true });
    expect((await watch.finished()).state).toBe('succeeded');
    expect(git('log', '-1', '--format=%B').trim()).toBe(
      'Declare the lint script\n\nSo the operations workflow can run it.',
    );
  });
});
