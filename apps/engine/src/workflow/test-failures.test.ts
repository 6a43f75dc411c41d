import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTestFailures } from './test-failures.js';

const sample = (name: string) => readFileSync(join(import.meta.dirname, 'test-output-samples', name), 'utf8');
// The node:test samples were captured in the fixture project at this path.
const fixtureRoot = '/work/main/tests/fixtures/failing-tests-project';

describe('parseTestFailures', () => {
  it('reads node:test TAP output into the assertion line of the failing test', () => {
    expect(parseTestFailures(sample('node-test-tap.txt'), fixtureRoot)).toEqual([
      {
        file: 'test/math.test.js',
        line: 10,
        column: 10,
        name: 'multiplies two numbers',
        message: 'Expected values to be strictly equal:\n\n7 !== 12',
      },
    ]);
  });

  it('reads node:test spec output once, although the summary repeats the failure', () => {
    const failures = parseTestFailures(sample('node-test-spec.txt'), fixtureRoot);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ file: 'test/math.test.js', line: 10, name: 'multiplies two numbers' });
    expect(failures[0]?.message).toContain('7 !== 12');
  });

  it('reads Vitest output with the suite path as the name', () => {
    expect(parseTestFailures(sample('vitest.txt'), '/tmp/wfcap/vt')).toEqual([
      {
        file: 'src/calc.test.ts',
        line: 9,
        column: 19,
        name: 'calc › subtracts',
        message: 'AssertionError: expected 2 to be 3 // Object.is equality',
      },
    ]);
  });

  it('reads Jest output, taking the location from the first stack frame', () => {
    const failures = parseTestFailures(sample('jest.txt'), '/project');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ file: 'src/sum.test.js', line: 9, column: 25, name: 'sum › adds negatives' });
    expect(failures[0]?.message).toContain('Expected: -4');
  });

  it('reads pytest output with the assertion line and the E lines as the message', () => {
    expect(parseTestFailures(sample('pytest.txt'), '/tmp/wfcap/py')).toEqual([
      {
        file: 'tests/test_calc.py',
        line: 10,
        column: null,
        name: 'test_add_negative',
        message: 'assert -3 == -4\n+  where -3 = add(-1, -2)',
      },
    ]);
  });

  it('finds nothing in the output of a passing run', () => {
    expect(parseTestFailures('ok 1 - adds\n1..1\n# pass 1\n# fail 0\n', '/x')).toEqual([]);
  });
});
