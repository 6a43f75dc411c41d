import { describe, expect, it } from 'vitest';
import { Observable } from '../workbench/observable';
import type { Problem, ProblemsState } from './problems-model';
import { ProblemsPublisher } from './problems-publisher';

const problem = (path: string, line: number, message = `m${line}`): Problem => ({
  key: `ts:${line}`,
  path,
  line,
  column: 2,
  message,
  source: 'ts',
  severity: 'error',
});
const stateOf = (files: Record<string, Problem[]>): ProblemsState => ({
  files: Object.entries(files).map(([path, problems]) => ({ path, problems, errors: problems.length, warnings: 0 })),
  errors: 0,
  warnings: 0,
  infos: 0,
});

describe('ProblemsPublisher', () => {
  it('publishes a reset first, then only the files that changed, an emptied file as an empty list', async () => {
    const state = new Observable(stateOf({ 'a.ts': [problem('a.ts', 1)] }));
    const sent: unknown[] = [];
    const publisher = new ProblemsPublisher(state, async (params) => void sent.push(params), 60_000);
    await publisher.flush();
    state.set(stateOf({ 'a.ts': [problem('a.ts', 1)], 'b.ts': [problem('b.ts', 3, 'x'.repeat(9_000))] }));
    await publisher.flush();
    await publisher.flush(); // nothing changed: nothing sent
    state.set(stateOf({ 'b.ts': [problem('b.ts', 3, 'x'.repeat(9_000))] }));
    await publisher.flush();
    expect(sent).toEqual([
      {
        reset: true,
        files: [{ path: 'a.ts', problems: [{ severity: 'error', line: 1, column: 2, message: 'm1', source: 'ts' }] }],
      },
      { reset: false, files: [{ path: 'b.ts', problems: [expect.objectContaining({ message: 'x'.repeat(4_000) })] }] },
      { reset: false, files: [{ path: 'a.ts', problems: [] }] },
    ]);
    // a new folder: everything again, as a reset
    publisher.restart();
    await publisher.flush();
    expect(sent.at(-1)).toMatchObject({ reset: true, files: [{ path: 'b.ts' }] });
    publisher.dispose();
  });

  it('sends a big change in batches, and starts over with a reset after a failed publish', async () => {
    const many: Record<string, Problem[]> = {};
    for (let index = 0; index < 1_200; index++) many[`f${index}.ts`] = [problem(`f${index}.ts`, 1)];
    const state = new Observable(stateOf(many));
    const sent: Array<{ reset: boolean; files: unknown[] }> = [];
    let fail = false;
    const publisher = new ProblemsPublisher(
      state,
      async (params) => {
        if (fail) throw new Error('engine away');
        sent.push(params);
      },
      60_000,
    );
    await publisher.flush();
    expect(sent.map((params) => [params.reset, params.files.length])).toEqual([
      [true, 500],
      [false, 500],
      [false, 200],
    ]);
    fail = true;
    state.set(stateOf({ 'one.ts': [problem('one.ts', 1)] }));
    await publisher.flush();
    fail = false;
    await publisher.flush();
    expect(sent.at(-1)).toMatchObject({ reset: true, files: [{ path: 'one.ts' }] });
    publisher.dispose();
  });
});
