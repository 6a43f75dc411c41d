import { describe, expect, it } from 'vitest';
import { gitArgs, gitEnv } from './exec.js';

describe('git arguments', () => {
  it('before trust switches off hooks, fsmonitor, external diff and each named filter driver', () => {
    const args = gitArgs({ trusted: false, filters: ['lfs'] }, ['status']).join(' ');
    for (const pair of [
      'core.fsmonitor=false',
      'core.hooksPath=/dev/null',
      'diff.external=',
      'filter.lfs.clean=',
      'filter.lfs.smudge=',
      'filter.lfs.process=',
      'core.askPass=',
      'credential.helper=',
      'protocol.ext.allow=never',
    ]) {
      expect(args).toContain(`-c ${pair}`);
    }
    expect(args.endsWith('--literal-pathspecs status')).toBe(true);
  });

  it('once trusted leaves the repository its hooks and filters but never prompts or pages', () => {
    const args = gitArgs({ trusted: true }, ['commit']).join(' ');
    expect(args).not.toContain('core.hooksPath');
    expect(args).toContain('-c core.pager=cat');
    expect(args).toContain('-c protocol.ext.allow=never');
  });

  it('runs without our own GIT_* variables, with prompts off and discovery stopped at the workspace', () => {
    process.env.GIT_DIR = '/elsewhere/.git';
    try {
      const env = gitEnv('/work/project', false);
      expect(env.GIT_DIR).toBeUndefined();
      expect(env).toMatchObject({
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: '',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CEILING_DIRECTORIES: '/work',
      });
    } finally {
      delete process.env.GIT_DIR;
    }
  });
});
