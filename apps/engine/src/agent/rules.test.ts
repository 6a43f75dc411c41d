import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadRules,
  loadRulesWithReport,
  type ProjectRule,
  RULE_LIMITS,
  requestableRules,
  requestableRulesPrompt,
  rulesInEffect,
  rulesInEffectLine,
  rulesPrompt,
  selectRules,
} from './rules.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'pa-rules-'));
  root = join(base, 'workspace');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.md'), 'TOP SECRET outside text');
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

function put(rel: string, content: string | Buffer): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function bySource(rules: ProjectRule[], source: string): ProjectRule {
  const rule = rules.find((candidate) => candidate.source === source);
  if (!rule) throw new Error(`no rule from ${source}; have ${rules.map((r) => r.source).join(', ')}`);
  return rule;
}

function sources(rules: ProjectRule[]): string[] {
  return rules.map((rule) => rule.source);
}

function rule(partial: Partial<ProjectRule> & { source: string }): ProjectRule {
  return {
    kind: 'cursor',
    globs: null,
    alwaysApply: true,
    requestable: false,
    text: 'text',
    truncated: false,
    problems: [],
    ...partial,
  };
}

describe('loadRules', () => {
  it('reads AGENTS.md, CLAUDE.md, .claude/CLAUDE.md, .cursorrules and a .clinerules file as always-on rules', async () => {
    put('AGENTS.md', '# Agents\nUse pnpm.\n');
    put('CLAUDE.md', 'Prefer small functions.');
    put('.claude/CLAUDE.md', 'Dot-claude rules.');
    put('.cursorrules', 'Cursor legacy rules.');
    put('.clinerules', 'Cline rules.');
    const rules = await loadRules(root);
    expect(sources(rules)).toEqual(['AGENTS.md', 'CLAUDE.md', '.claude/CLAUDE.md', '.cursorrules', '.clinerules']);
    expect(bySource(rules, 'AGENTS.md')).toMatchObject({
      kind: 'agents-md',
      globs: null,
      alwaysApply: true,
      text: '# Agents\nUse pnpm.',
      truncated: false,
    });
    expect(bySource(rules, '.clinerules').kind).toBe('cline');
    expect(sources(rulesInEffect(rules, []))).toHaveLength(5);
  });

  it('returns nothing, without throwing, for an empty or missing workspace', async () => {
    expect(await loadRules(root)).toEqual([]);
    expect(await loadRules(join(base, 'does-not-exist'))).toEqual([]);
    put('file.txt', 'x');
    expect(await loadRules(join(root, 'file.txt'))).toEqual([]);
  });

  it('parses Cursor .mdc frontmatter into always, auto-attached, agent-requested and manual rules', async () => {
    put('.cursor/rules/always.mdc', '---\ndescription: House style\nglobs:\nalwaysApply: true\n---\nAlways rule.');
    put(
      '.cursor/rules/ts.mdc',
      '---\ndescription: TypeScript\nglobs: src/**/*.ts, *.tsx\nalwaysApply: false\n---\nTS.',
    );
    put('.cursor/rules/list.mdc', '---\nglobs:\n  - "docs/**"\n  - "*.{md,mdx}"\n---\nDocs.');
    put('.cursor/rules/db.mdc', '---\ndescription: Database migrations\nalwaysApply: false\n---\nDB.');
    put('.cursor/rules/manual.mdc', '---\nalwaysApply: false\n---\nManual only.');
    put('.cursor/rules/nested/deep.mdc', '---\nglobs: "*.py"\n---\nPython.');
    const rules = await loadRules(root);
    expect(bySource(rules, '.cursor/rules/always.mdc')).toMatchObject({ alwaysApply: true, globs: null });
    expect(bySource(rules, '.cursor/rules/ts.mdc')).toMatchObject({
      kind: 'cursor',
      description: 'TypeScript',
      globs: ['src/**/*.ts', '*.tsx'],
      alwaysApply: false,
      requestable: false,
      text: 'TS.',
    });
    expect(bySource(rules, '.cursor/rules/list.mdc').globs).toEqual(['docs/**', '*.{md,mdx}']);
    expect(bySource(rules, '.cursor/rules/db.mdc')).toMatchObject({ globs: null, requestable: true });
    expect(bySource(rules, '.cursor/rules/manual.mdc')).toMatchObject({ requestable: false, alwaysApply: false });
    expect(bySource(rules, '.cursor/rules/nested/deep.mdc').globs).toEqual(['*.py']);

    expect(sources(rulesInEffect(rules, []))).toEqual(['.cursor/rules/always.mdc']);
    const selection = selectRules(rules, ['src/a/b.ts', 'web/App.tsx', 'README.md']);
    expect(sources(selection.inEffect)).toEqual([
      '.cursor/rules/always.mdc',
      '.cursor/rules/list.mdc',
      '.cursor/rules/ts.mdc',
    ]);
    expect(sources(selection.requestable)).toEqual(['.cursor/rules/db.mdc']);
    expect(sources(rulesInEffect(rules, ['tools/x.py']))).toContain('.cursor/rules/nested/deep.mdc');
  });

  it('reads Cursor-style unquoted globs that strict YAML rejects', async () => {
    put('.cursor/rules/star.mdc', '---\ndescription: Stars\nglobs: *.ts, **/*.test.ts\nalwaysApply: false\n---\nStar.');
    put('.cursor/rules/bracket.mdc', '---\nglobs: [*.css, "*.scss"]\n---\nCSS.');
    const rules = await loadRules(root);
    expect(bySource(rules, '.cursor/rules/star.mdc')).toMatchObject({
      description: 'Stars',
      globs: ['*.ts', '**/*.test.ts'],
      alwaysApply: false,
    });
    expect(bySource(rules, '.cursor/rules/star.mdc').problems[0]).toMatch(/not strict YAML/);
    expect(bySource(rules, '.cursor/rules/bracket.mdc').globs).toEqual(['*.css', '*.scss']);
    expect(sources(rulesInEffect(rules, ['a/b/c.scss']))).toEqual(['.cursor/rules/bracket.mdc']);
  });

  it('reads Continue rules with its defaults: no globs and no alwaysApply means always', async () => {
    put('.continue/rules/plain.md', 'Plain continue rule.');
    put('.continue/rules/scoped.md', '---\nname: Tests\nglobs: ["**/*.test.ts"]\n---\nTest rule.');
    put('.continue/rules/ask.md', '---\nname: Perf\ndescription: Performance work\nalwaysApply: false\n---\nPerf.');
    put('.continue/rules/ignored.txt', 'not markdown');
    const rules = await loadRules(root);
    expect(sources(rules).filter((s) => s.startsWith('.continue'))).toEqual([
      '.continue/rules/ask.md',
      '.continue/rules/plain.md',
      '.continue/rules/scoped.md',
    ]);
    expect(bySource(rules, '.continue/rules/plain.md')).toMatchObject({ kind: 'continue', alwaysApply: true });
    expect(bySource(rules, '.continue/rules/scoped.md')).toMatchObject({ name: 'Tests', alwaysApply: false });
    const selection = selectRules(rules, ['src/x.test.ts']);
    expect(sources(selection.inEffect)).toEqual(['.continue/rules/plain.md', '.continue/rules/scoped.md']);
    expect(sources(selection.requestable)).toEqual(['.continue/rules/ask.md']);
    expect(sources(requestableRules(rules, []))).toEqual(['.continue/rules/ask.md']);
  });

  it('reads a .clinerules folder of .md files, scoped by `paths` frontmatter', async () => {
    put('.clinerules/01-style.md', 'Style.');
    put('.clinerules/02-api.md', '---\npaths:\n  - "api/**"\n---\nAPI rules.');
    put('.clinerules/notes.txt', 'not a rule');
    const rules = await loadRules(root);
    expect(sources(rules)).toEqual(['.clinerules/01-style.md', '.clinerules/02-api.md']);
    expect(bySource(rules, '.clinerules/02-api.md')).toMatchObject({ globs: ['api/**'], alwaysApply: false });
    expect(sources(rulesInEffect(rules, ['web/x.ts']))).toEqual(['.clinerules/01-style.md']);
    expect(sources(rulesInEffect(rules, ['api/v1/x.ts']))).toHaveLength(2);
  });

  it('scopes nested AGENTS.md and CLAUDE.md to their folder and skips node_modules and dot folders', async () => {
    put('AGENTS.md', 'Root.');
    put('packages/a/AGENTS.md', 'Package A.');
    put('packages/a/CLAUDE.md', 'Package A claude.');
    put('packages/b/AGENTS.md', 'Package B.');
    put('node_modules/dep/AGENTS.md', 'Dependency.');
    put('.git/AGENTS.md', 'Git.');
    put('.hidden/AGENTS.md', 'Hidden.');
    put('a/b/c/d/e/f/g/h/AGENTS.md', 'Too deep.');
    const rules = await loadRules(root);
    expect(sources(rules)).toEqual([
      'AGENTS.md',
      'packages/a/AGENTS.md',
      'packages/a/CLAUDE.md',
      'packages/b/AGENTS.md',
    ]);
    expect(bySource(rules, 'packages/a/AGENTS.md')).toMatchObject({ scope: 'packages/a', alwaysApply: false });
    expect(sources(rulesInEffect(rules, []))).toEqual(['AGENTS.md']);
    expect(sources(rulesInEffect(rules, ['packages/a/src/x.ts']))).toEqual([
      'AGENTS.md',
      'packages/a/AGENTS.md',
      'packages/a/CLAUDE.md',
    ]);
    // A sibling folder whose name starts the same is not inside the scope.
    expect(sources(rulesInEffect(rules, ['packages/ab/x.ts']))).toEqual(['AGENTS.md']);
  });
});

describe('matching', () => {
  const rules = [
    rule({ source: 'base', alwaysApply: false, globs: ['*.ts'] }),
    rule({ source: 'anchored', alwaysApply: false, globs: ['src/*.ts'] }),
    rule({ source: 'dot', alwaysApply: false, globs: ['.github/**'] }),
    rule({ source: 'empty', alwaysApply: false, globs: [] }),
    rule({ source: 'agents', kind: 'agents-md', alwaysApply: false, globs: null }),
    rule({ source: 'manual', kind: 'cursor', alwaysApply: false, globs: null }),
  ];

  it('matches a glob without a slash at any depth and one with a slash from the root', () => {
    expect(sources(rulesInEffect(rules, ['deep/down/x.ts']))).toEqual(['base', 'agents']);
    expect(sources(rulesInEffect(rules, ['src/x.ts']))).toEqual(['base', 'anchored', 'agents']);
    expect(sources(rulesInEffect(rules, ['lib/src/x.ts']))).toEqual(['base', 'agents']);
    expect(sources(rulesInEffect(rules, ['./src/x.ts']))).toEqual(['base', 'anchored', 'agents']);
  });

  it('matches dot files and never matches empty globs, absolute or climbing files in play', () => {
    expect(sources(rulesInEffect(rules, ['.github/workflows/ci.yml']))).toEqual(['dot', 'agents']);
    expect(sources(rulesInEffect(rules, ['/etc/x.ts', '../x.ts', 'C:/x.ts']))).toEqual(['agents']);
  });
});

describe('hostile inputs', () => {
  it('does not read a rules file that is a symlink out of the workspace', async () => {
    symlinkSync(join(outside, 'secret.md'), join(root, 'AGENTS.md'));
    symlinkSync(join(outside, 'secret.md'), join(root, '.cursorrules'));
    put('.cursor/rules/ok.mdc', 'Inside.');
    symlinkSync(join(outside, 'secret.md'), join(root, '.cursor/rules/leak.mdc'));
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(sources(rules)).toEqual(['.cursor/rules/ok.mdc']);
    expect(JSON.stringify(rules)).not.toContain('TOP SECRET');
    expect(skipped).toEqual(
      expect.arrayContaining([
        { source: 'AGENTS.md', reason: 'leads outside the workspace' },
        { source: '.cursorrules', reason: 'leads outside the workspace' },
        { source: '.cursor/rules/leak.mdc', reason: 'leads outside the workspace' },
      ]),
    );
  });

  it('does not list a rules folder that is a symlink out of the workspace', async () => {
    mkdirSync(join(outside, 'rules'));
    writeFileSync(join(outside, 'rules', 'x.mdc'), 'TOP SECRET rule');
    mkdirSync(join(root, '.cursor'));
    symlinkSync(join(outside, 'rules'), join(root, '.cursor', 'rules'));
    symlinkSync(outside, join(root, '.continue'));
    symlinkSync(outside, join(root, 'linked'));
    writeFileSync(join(outside, 'AGENTS.md'), 'TOP SECRET nested');
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(rules).toEqual([]);
    expect(skipped.map((s) => s.source)).toEqual(expect.arrayContaining(['.cursor/rules', '.continue/rules']));
  });

  it('follows a symlink that stays inside the workspace', async () => {
    put('docs/agents.md', 'Shared agent rules.');
    symlinkSync(join(root, 'docs', 'agents.md'), join(root, 'AGENTS.md'));
    expect(bySource(await loadRules(root), 'AGENTS.md').text).toBe('Shared agent rules.');
  });

  it('reads only the head of a huge file and marks it cut', async () => {
    put('AGENTS.md', `${'x'.repeat(1023)}\n`.repeat(5 * 1024));
    put('CLAUDE.md', 'é'.repeat(RULE_LIMITS.fileBytes)); // two bytes a character: the cap falls mid-file
    const rules = await loadRules(root);
    const agents = bySource(rules, 'AGENTS.md');
    expect(agents.truncated).toBe(true);
    expect(agents.text.length).toBeLessThanOrEqual(RULE_LIMITS.fileBytes);
    const claude = bySource(rules, 'CLAUDE.md');
    expect(claude.truncated).toBe(true);
    expect(claude.text).toBe('é'.repeat(RULE_LIMITS.fileBytes / 2));
    const prompt = rulesPrompt(rules, 200_000);
    expect(prompt.included).toEqual(['AGENTS.md', 'CLAUDE.md']);
    expect(prompt.cut).toEqual(['AGENTS.md', 'CLAUDE.md']);
    expect(prompt.text).toContain('only its first part was read');
  });

  it('loads a rule whose frontmatter is malformed YAML as if it had none', async () => {
    put('.cursor/rules/bad.mdc', '---\ndescription: "unterminated\n  globs: [\n\t- : :\n---\nBody survives.');
    put('.continue/rules/bad.md', '---\n[1, 2\n---\nContinue body.');
    put('.cursor/rules/list.mdc', '---\n- just\n- a list\n---\nList body.');
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(skipped).toEqual([]);
    expect(bySource(rules, '.cursor/rules/bad.mdc')).toMatchObject({
      text: 'Body survives.',
      globs: null,
      alwaysApply: false,
      requestable: false,
      problems: ['frontmatter ignored: malformed YAML'],
    });
    expect(bySource(rules, '.cursor/rules/bad.mdc').description).toBeUndefined();
    // Continue's default with no frontmatter is "always".
    expect(bySource(rules, '.continue/rules/bad.md')).toMatchObject({ text: 'Continue body.', alwaysApply: true });
    expect(bySource(rules, '.cursor/rules/list.mdc').problems).toEqual(['frontmatter ignored: not a mapping']);
  });

  it('resists YAML alias bombs in frontmatter', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(9)
          .fill(`*${i === 1 ? 'a' : 'b'.repeat(i - 1)}`)
          .join(',')}]`,
      );
    put('.cursor/rules/bomb.mdc', `---\n${bomb.join('\n')}\nalwaysApply: true\n---\nBomb body.`);
    const rules = await loadRules(root);
    expect(bySource(rules, '.cursor/rules/bomb.mdc').text).toBe('Bomb body.');
  });

  it('ignores globs that climb out with ../ or are absolute', async () => {
    put(
      '.cursor/rules/escape.mdc',
      '---\nglobs: ["../outside/**", "/etc/*", "C:/x/*", "~/x", "src/../../x", "!../x", "ok/**", 3]\n---\nEscape.',
    );
    put('.cursor/rules/only-bad.mdc', '---\nglobs: ../**\n---\nOnly bad.');
    put('.continue/rules/only-bad.md', '---\nglobs: /abs/**\n---\nOnly bad continue.');
    put('.continue/rules/object.md', '---\nglobs: { a: 1 }\n---\nObject globs.');
    const rules = await loadRules(root);
    const escaping = bySource(rules, '.cursor/rules/escape.mdc');
    expect(escaping.globs).toEqual(['ok/**']);
    expect(escaping.problems.filter((p) => p.startsWith('glob ignored'))).toHaveLength(6);
    expect(bySource(rules, '.cursor/rules/only-bad.mdc').globs).toEqual([]);
    // Declared-but-unusable globs match nothing; they do not fall back to Continue's "no globs means always".
    expect(bySource(rules, '.continue/rules/only-bad.md')).toMatchObject({ globs: [], alwaysApply: false });
    expect(bySource(rules, '.continue/rules/object.md')).toMatchObject({ globs: [], alwaysApply: false });
    expect(sources(rulesInEffect(rules, ['ok/a.ts', '../outside/x', 'etc/passwd']))).toEqual([
      '.cursor/rules/escape.mdc',
    ]);
  });

  it('skips binary junk', async () => {
    put('AGENTS.md', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    const noNul = Buffer.from([...randomBytes(4096)].map((byte) => (byte === 0 ? 0xff : byte | 0x80)));
    put('CLAUDE.md', noNul);
    put('.cursorrules', 'Fine text.');
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(sources(rules)).toEqual(['.cursorrules']);
    expect(skipped).toEqual([
      { source: 'AGENTS.md', reason: 'binary content' },
      { source: 'CLAUDE.md', reason: 'binary content (not UTF-8 text)' },
    ]);
  });

  it('skips a folder named .cursorrules, an AGENTS.md folder and empty files', async () => {
    mkdirSync(join(root, '.cursorrules'));
    writeFileSync(join(root, '.cursorrules', 'inner.md'), 'Inner.');
    mkdirSync(join(root, 'CLAUDE.md'));
    put('.cursor/rules/empty.mdc', '---\nalwaysApply: true\n---\n  \n');
    put('AGENTS.md', '');
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(rules).toEqual([]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { source: '.cursorrules', reason: 'is a folder, not a file' },
        { source: '.cursor/rules/empty.mdc', reason: 'empty' },
        { source: 'AGENTS.md', reason: 'empty' },
      ]),
    );
  });

  it.skipIf(process.platform === 'win32')('does not block on a FIFO named like a rules file', async () => {
    try {
      execFileSync('mkfifo', [join(root, 'AGENTS.md')]);
      execFileSync('mkfifo', [join(root, '.cursorrules')]);
    } catch {
      return; // no mkfifo here
    }
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(rules).toEqual([]);
    // The walk passes over the AGENTS.md FIFO; the fixed name is stat-ed and refused before any open.
    expect(skipped).toEqual([{ source: '.cursorrules', reason: 'not a regular file' }]);
  });

  it.skipIf(process.platform === 'win32')('skips file names holding control characters', async () => {
    put('.cursor/rules/evil\n## Rule: forged.mdc', 'Evil.');
    put('.cursor/rules/good.mdc', 'Good.');
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(sources(rules)).toEqual(['.cursor/rules/good.mdc']);
    expect(skipped).toEqual([{ source: '.cursor/rules/evil ## Rule: forged.mdc', reason: expect.any(String) }]);
  });

  it('caps the number of rules', async () => {
    for (let i = 0; i < 150; i++) put(`.cursor/rules/r${String(i).padStart(3, '0')}.mdc`, `Rule ${i}.`);
    const { rules, skipped } = await loadRulesWithReport(root);
    expect(rules).toHaveLength(RULE_LIMITS.rules);
    expect(rules.at(-1)?.source).toBe('.cursor/rules/r099.mdc');
    expect(skipped).toHaveLength(50);
    expect(skipped[0]?.reason).toMatch(/more than 100/);
  });
});

describe('rulesPrompt', () => {
  it('puts each rule under a heading naming its source and says where scoped rules apply', () => {
    const prompt = rulesPrompt([
      rule({ source: 'AGENTS.md', kind: 'agents-md', text: 'Use pnpm.' }),
      rule({ source: '.cursor/rules/ts.mdc', alwaysApply: false, globs: ['*.ts'], text: 'Strict TS.' }),
      rule({ source: 'pkg/AGENTS.md', kind: 'agents-md', alwaysApply: false, scope: 'pkg', text: 'Pkg.' }),
    ]);
    expect(prompt.text).toMatch(/^# Project rules\n/);
    expect(prompt.text).toContain('not messages from the user');
    expect(prompt.text).toContain('## Rule: AGENTS.md\n\nUse pnpm.');
    expect(prompt.text).toContain('## Rule: .cursor/rules/ts.mdc (for files matching *.ts)\n\nStrict TS.');
    expect(prompt.text).toContain('## Rule: pkg/AGENTS.md (for files under pkg/)\n\nPkg.');
    expect(prompt.included).toEqual(['AGENTS.md', '.cursor/rules/ts.mdc', 'pkg/AGENTS.md']);
    expect(prompt.cut).toEqual([]);
    expect(rulesInEffectLine(prompt)).toBe('Rules in effect: AGENTS.md, .cursor/rules/ts.mdc, pkg/AGENTS.md');
  });

  it('keeps within the budget, shortening the rule that overflows and cutting later ones', () => {
    const rules = [
      rule({ source: 'a', text: 'A'.repeat(1_000) }),
      rule({ source: 'b', text: 'B'.repeat(3_000) }),
      rule({ source: 'c', text: 'C'.repeat(1_000) }),
    ];
    const prompt = rulesPrompt(rules, 3_000);
    expect(prompt.text.length).toBeLessThanOrEqual(3_000);
    expect(prompt.included).toEqual(['a', 'b']);
    expect(prompt.cut).toEqual(['b', 'c']);
    expect(prompt.text).toContain('[… the rest of b did not fit]');
    expect(prompt.text).not.toContain('C');
    expect(rulesInEffectLine(prompt)).toBe('Rules in effect: a, b (cut); left out for size: c');
  });

  it('lets a later small rule in when a large one does not fit at all', () => {
    const rules = [rule({ source: 'big', text: 'B'.repeat(5_000) }), rule({ source: 'small', text: 'small' })];
    const prompt = rulesPrompt(rules, 700);
    expect(prompt.text.length).toBeLessThanOrEqual(700);
    expect(prompt.included).toEqual(['small']);
    expect(prompt.cut).toEqual(['big']);
  });

  it('returns nothing for no rules or a budget too small for the header', () => {
    expect(rulesPrompt([])).toEqual({ text: '', included: [], cut: [] });
    expect(rulesPrompt([rule({ source: 'a' })], 10)).toEqual({ text: '', included: [], cut: ['a'] });
    expect(rulesInEffectLine({ included: [], cut: [] })).toBe('Rules in effect: none');
  });

  it('lists requestable rules by description within a budget', () => {
    const offered = [
      rule({ source: '.cursor/rules/db.mdc', description: 'Database migrations', requestable: true }),
      rule({ source: '.cursor/rules/nodesc.mdc', requestable: true }),
    ];
    const text = requestableRulesPrompt(offered);
    expect(text).toContain('- .cursor/rules/db.mdc: Database migrations');
    expect(text).not.toContain('nodesc');
    expect(requestableRulesPrompt([])).toBe('');
    expect(requestableRulesPrompt(offered, 20)).toBe('');
  });
});
