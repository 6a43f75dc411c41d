import { ErrorCode, PROBLEMS_MAX_FILES, ProblemsPublishParams } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { ProblemsStore } from './index.js';

const problem = (line: number, message = `problem ${line}`) => ({
  severity: 'error' as const,
  line,
  column: 1,
  message,
  source: 'ts',
});
const publish = (store: ProblemsStore, input: unknown) => store.publish(ProblemsPublishParams.parse(input));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('the problems store', () => {
  it('keeps the last list of each file, an empty list clearing it, a reset starting over', () => {
    const store = new ProblemsStore();
    publish(store, { files: [{ path: 'src/a.ts', problems: [problem(1), problem(2)] }] });
    publish(store, { files: [{ path: './src//b.ts', problems: [problem(5)] }] });
    publish(store, { files: [{ path: 'src/a.ts', problems: [problem(3)] }] });
    expect(store.all().map((item) => `${item.path}:${item.line}`)).toEqual(['src/a.ts:3', 'src/b.ts:5']);
    publish(store, { files: [{ path: 'src/a.ts', problems: [] }] });
    expect(store.all().map((item) => item.path)).toEqual(['src/b.ts']);
    publish(store, { reset: true, files: [{ path: 'c.ts', problems: [problem(1)] }] });
    expect(store.all().map((item) => item.path)).toEqual(['c.ts']);
    store.clear();
    expect(store.all()).toEqual([]);
  });

  it('refuses hostile publishes with typed errors, and a refused one changes nothing', () => {
    const store = new ProblemsStore();
    publish(store, { files: [{ path: 'ok.ts', problems: [problem(1)] }] });
    const bad = [
      ['../outside.ts', ErrorCode.BAD_REQUEST],
      ['/etc/passwd', ErrorCode.BAD_REQUEST],
      ['a\\b.ts', ErrorCode.BAD_REQUEST],
      ['.', ErrorCode.BAD_REQUEST],
      ['.git/config', ErrorCode.FORBIDDEN],
      ['x/.GIT/HEAD', ErrorCode.FORBIDDEN],
    ] as const;
    for (const [path, code] of bad) {
      expect(
        codeOf(() =>
          publish(store, {
            files: [
              { path: 'new.ts', problems: [problem(2)] },
              { path, problems: [problem(1)] },
            ],
          }),
        ),
      ).toBe(code);
    }
    expect(store.all().map((item) => item.path)).toEqual(['ok.ts']);
    // past the bound of files kept: refused whole
    const files = Array.from({ length: 500 }, (_, index) => ({ path: `f${index}.ts`, problems: [problem(1)] }));
    for (let round = 0; round * 500 < PROBLEMS_MAX_FILES - 500; round++) {
      publish(store, { files: files.map((file) => ({ ...file, path: `${round}/${file.path}` })) });
    }
    expect(store.files).toBe(PROBLEMS_MAX_FILES - 500 + 1);
    expect(codeOf(() => publish(store, { files: files.map((file) => ({ ...file, path: `last/${file.path}` })) }))).toBe(
      ErrorCode.TOO_LARGE,
    );
    expect(store.files).toBe(PROBLEMS_MAX_FILES - 500 + 1);
  });

  it('the schema bounds a publish: files, problems per file, message size, extra fields', () => {
    const ok = { files: [{ path: 'a.ts', problems: [problem(1)] }] };
    expect(ProblemsPublishParams.safeParse(ok).success).toBe(true);
    const tooMany = { files: Array.from({ length: 501 }, (_, index) => ({ path: `${index}.ts`, problems: [] })) };
    expect(ProblemsPublishParams.safeParse(tooMany).success).toBe(false);
    const perFile = {
      files: [{ path: 'a.ts', problems: Array.from({ length: 1_001 }, (_, index) => problem(index + 1)) }],
    };
    expect(ProblemsPublishParams.safeParse(perFile).success).toBe(false);
    expect(
      ProblemsPublishParams.safeParse({ files: [{ path: 'a.ts', problems: [problem(1, 'x'.repeat(4_001))] }] }).success,
    ).toBe(false);
    expect(
      ProblemsPublishParams.safeParse({ files: [{ path: 'a.ts', problems: [{ ...problem(1), extra: 1 }] }] }).success,
    ).toBe(false);
    expect(ProblemsPublishParams.safeParse({ files: [{ path: 'a.ts', problems: [{ ...problem(0) }] }] }).success).toBe(
      false,
    );
    expect(
      ProblemsPublishParams.safeParse({ files: [{ path: 'a.ts', problems: [{ ...problem(1), severity: 'fatal' }] }] })
        .success,
    ).toBe(false);
    expect(ProblemsPublishParams.safeParse({ files: [{ path: '', problems: [] }] }).success).toBe(false);
  });
});
