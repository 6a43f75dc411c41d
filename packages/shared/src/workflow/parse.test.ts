import { describe, expect, it } from 'vitest';
import { evaluateExpression, parseExpression } from './expression.js';
import { parseWorkflowYaml, type WorkflowIssue } from './parse.js';

function issuesOf(text: string): WorkflowIssue[] {
  const parsed = parseWorkflowYaml(text);
  if (parsed.ok) throw new Error('expected the workflow to be refused');
  return parsed.issues;
}

const valid = `name: demo
description: A demo.
inputs:
  - name: spec
steps:
  - id: hello
    run:
      command: echo
      args: ["{{ inputs.spec }}"]
`;

describe('parseWorkflowYaml', () => {
  it('accepts a valid workflow and fills defaults', () => {
    const parsed = parseWorkflowYaml(valid);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.definition.inputs[0]).toMatchObject({ name: 'spec', type: 'string', required: true });
    expect(parsed.definition.steps[0]?.run).toMatchObject({
      command: 'echo',
      timeout: 600,
      cwd: '.',
      allowFailure: false,
    });
  });

  it('points a YAML syntax error at its line', () => {
    const [issue] = issuesOf('name: demo\ndescription: x\nsteps:\n  - id: a\n    run: { command: echo\n');
    expect(issue?.line).toBeGreaterThanOrEqual(5);
    expect(issue?.message).toMatch(/flow|map|}/i);
  });

  it('names an unknown key at the key itself', () => {
    const issues = issuesOf(valid.replace('      command: echo', '      command: echo\n      comand: typo'));
    expect(issues).toEqual([{ line: 9, column: 7, path: 'steps.0.run', message: 'unknown key "comand"' }]);
  });

  it('refuses a step with no kind, or with two', () => {
    const none = issuesOf('name: demo\ndescription: x\nsteps:\n  - id: lonely\n    name: Nothing\n');
    expect(none[0]).toMatchObject({ line: 4, path: 'steps.0' });
    expect(none[0]?.message).toMatch(/step "lonely" needs one of: ai, run, edit, mcp, approve, repeat/);
    const two = issuesOf(
      'name: demo\ndescription: x\nsteps:\n  - id: both\n    run: { command: "true" }\n    approve: { message: ok }\n',
    );
    expect(two[0]?.message).toMatch(/has run and approve/);
  });

  it('points a wrong type at the value, with the field name', () => {
    const issues = issuesOf(valid.replace('      command: echo', '      command: echo\n      timeout: soon'));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 9,
        column: 16,
        path: 'steps.0.run.timeout',
        message: expect.stringMatching(/^"timeout": .*number/),
      }),
    ]);
  });

  it('reports a missing required field at its parent', () => {
    const issues = issuesOf('name: demo\nsteps:\n  - id: a\n    run: { command: "true" }\n');
    expect(issues).toEqual([{ line: 1, column: 1, path: 'description', message: '"description" is required' }]);
  });

  it('refuses a bad expression with the character where it breaks', () => {
    const issues = issuesOf(valid.replace('  - id: hello\n', '  - id: hello\n    if: steps.a.exitCode == == 0\n'));
    expect(issues[0]).toMatchObject({ line: 7, path: 'steps.0.if' });
    expect(issues[0]?.message).toMatch(/bad expression at character 21: unexpected "=="/);
  });

  it('refuses an unterminated template and an undeclared input', () => {
    const broken = issuesOf(valid.replace('"{{ inputs.spec }}"', '"{{ inputs.spec"'));
    expect(broken[0]).toMatchObject({ line: 9, path: 'steps.0.run.args.0' });
    expect(broken[0]?.message).toMatch(/without a closing/);
    const undeclared = issuesOf(valid.replace('inputs.spec', 'inputs.sepc'));
    expect(undeclared[0]).toMatchObject({
      path: 'steps.0.run.args.0',
      message: '"inputs.sepc" is not a declared input',
    });
  });

  it('refuses duplicate step ids, inside repeats too', () => {
    const text = `name: demo
description: x
steps:
  - id: a
    run: { command: "true" }
  - id: loop
    repeat:
      max: 2
      until: steps.a.exitCode == 0
      steps:
        - id: a
          run: { command: "true" }
`;
    expect(issuesOf(text)).toEqual([
      { line: 11, column: 15, path: 'steps.1.repeat.steps.0.id', message: 'step id "a" is used twice' },
    ]);
  });

  it('refuses a choice input without options and a repeat above 20 iterations', () => {
    const choice = issuesOf(valid.replace('  - name: spec\n', '  - name: spec\n    type: choice\n'));
    expect(choice[0]?.message).toMatch(/needs a list of options/);
    const repeat = issuesOf(
      'name: demo\ndescription: x\nsteps:\n  - id: r\n    repeat:\n      max: 50\n      until: "true"\n      steps:\n        - id: x\n          run: { command: "true" }\n',
    );
    expect(repeat[0]).toMatchObject({ line: 6, column: 12, path: 'steps.0.repeat.max' });
  });
});

describe('expressions', () => {
  it('compare outputs, combine with && || ! and treat missing values as null', () => {
    const scope = { steps: { tests: { exitCode: 1, failures: [{ file: 'a' }] } }, inputs: { fix: 'yes' } };
    const check = (source: string) => evaluateExpression(parseExpression(source), scope);
    expect(check('steps.tests.exitCode != 0 && inputs.fix == "yes"')).toBe(true);
    expect(check('steps.tests.failures.length > 0')).toBe(true);
    expect(check("steps.tests.failures[0].file == 'a'")).toBe(true);
    expect(check('steps.missing.exitCode == null')).toBe(true);
    expect(check('!(steps.tests.exitCode == 1) || false')).toBe(false);
  });
});

/** `depth` repeats, each inside the one before, around one command. */
function nestedRepeats(depth: number): string {
  let steps = `${' '.repeat(2 + 6 * depth)}- id: inner\n${' '.repeat(4 + 6 * depth)}run: { command: "true" }\n`;
  for (let level = depth - 1; level >= 0; level--) {
    const pad = ' '.repeat(2 + 6 * level);
    steps = `${pad}- id: r${level}\n${pad}  repeat:\n${pad}    max: 20\n${pad}    until: "false"\n${pad}    steps:\n${steps}`;
  }
  return `name: nested\ndescription: x\nsteps:\n${steps}`;
}

describe('hostile workflow files', () => {
  it('refuses eight nested repeats at the first repeat too deep, and accepts three', () => {
    expect(parseWorkflowYaml(nestedRepeats(3)).ok).toBe(true);
    const [issue] = issuesOf(nestedRepeats(8));
    expect(issue).toMatchObject({
      path: 'steps.0.repeat.steps.0.repeat.steps.0.repeat.steps.0.repeat',
      message: expect.stringMatching(/nests deeper than 3 levels/),
    });
    expect(issue?.line).toBe(21);
  });

  it('refuses a YAML alias bomb at its first alias, without expanding it', () => {
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    const [issue] = issuesOf(lines.join('\n'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(issue).toMatchObject({ line: 2, column: 10, message: expect.stringMatching(/aliases expand too much/) });
  });

  it('refuses 100 000 nested brackets and deep block nesting with a line and column, quickly', () => {
    const started = Date.now();
    const [flow] = issuesOf(`name: x\ndescription: y\nsteps: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(flow).toMatchObject({ line: 3, column: 72, message: expect.stringMatching(/nest deeper than 64/) });
    let block = 'steps:\n';
    for (let level = 1; level <= 80; level++) block += `${' '.repeat(level)}- \n`;
    const [nested] = issuesOf(`name: x\ndescription: y\n${block}`);
    expect(nested?.message).toMatch(/nest deeper than 64/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a 200 KB expression at its line and column without parsing it token by token', () => {
    const long = Array(28_000).fill('a.b').join(' && ');
    const started = Date.now();
    const [issue] = issuesOf(
      `name: x\ndescription: y\nsteps:\n  - id: a\n    if: "${long}"\n    run: { command: "true" }\n`,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(issue).toMatchObject({
      line: 5,
      column: 9,
      path: 'steps.0.if',
      message: expect.stringMatching(/longer than 4096/),
    });
    const bangs = issuesOf(
      `name: x\ndescription: y\nsteps:\n  - id: a\n    if: "${'!'.repeat(3000)}true"\n    run: { command: "true" }\n`,
    );
    expect(bangs[0]?.message).toMatch(/nests deeper than 32 levels/);
  });

  it('refuses a file over 256 KiB at line 1', () => {
    const [issue] = issuesOf(`name: x\ndescription: "${'y'.repeat(300_000)}"\nsteps: []\n`);
    expect(issue).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/larger than 256 KiB/) });
  });
});
