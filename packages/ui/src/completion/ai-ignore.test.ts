import { ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { AiIgnoreRules, excludedBy, rulesOf } from './ai-ignore';

describe('.aiignore in the editor', () => {
  it('excludes files and everything under an excluded folder, gitignore syntax', () => {
    const rules = rulesOf('# secrets\nsecrets.ts\nprivate/\n*.pem\n!public.pem\n');
    expect(excludedBy(rules, 'secrets.ts')).toBe(true);
    expect(excludedBy(rules, 'src/secrets.ts')).toBe(true);
    expect(excludedBy(rules, 'private/a/b.ts')).toBe(true);
    expect(excludedBy(rules, 'keys/server.pem')).toBe(true);
    expect(excludedBy(rules, 'keys/public.pem')).toBe(false);
    expect(excludedBy(rules, 'src/app.ts')).toBe(false);
    // not a workspace path: not its to exclude (the engine refuses such paths anyway)
    expect(excludedBy(rules, '../outside/secrets.ts')).toBe(false);
  });

  it('reads .aiignore through the engine; none, or an unreadable one, excludes nothing here', async () => {
    const read = (content: string | null) => ({
      call: async () => {
        if (content === null) throw new PaError(ErrorCode.NOT_FOUND, 'no .aiignore');
        return { path: '.aiignore', content, binary: false, size: content.length, mtimeMs: 1 };
      },
    });
    const some = new AiIgnoreRules(read('secrets.ts\n') as never);
    some.reload();
    expect(await some.excludes('secrets.ts')).toBe(true);
    expect(await some.excludes('app.ts')).toBe(false);
    const none = new AiIgnoreRules(read(null) as never);
    none.reload();
    expect(await none.excludes('secrets.ts')).toBe(false);
  });
});
