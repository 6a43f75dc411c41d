import { describe, expect, it } from 'vitest';
import { assertMayUseTerminal, mayUseTerminal, terminalActorOf } from './api.js';
import { joinOutput, MAX_ITEM_CHARS } from './session.js';
import { loginShell, shellEnv } from './shell.js';

describe('loginShell', () => {
  it('starts $SHELL as a login shell', () => {
    expect(loginShell({ SHELL: '/bin/sh' }, null)).toEqual({ file: '/bin/sh', args: ['-l'] });
  });

  it('falls back to the passwd entry, then /bin/sh, when $SHELL is missing, relative or not executable', () => {
    expect(loginShell({ SHELL: 'bash' }, '/bin/sh').file).toBe('/bin/sh');
    expect(loginShell({ SHELL: '/nonexistent/zsh' }, '/nonexistent/fish')).toEqual({ file: '/bin/sh', args: ['-l'] });
  });
});

describe('shellEnv', () => {
  it("keeps the user's environment, drops the engine's own, and names a terminal xterm.js answers to", () => {
    const env = shellEnv({
      HOME: '/home/u',
      SSH_AUTH_SOCK: '/tmp/agent',
      PA_DATA_DIR: '/secret',
      ELECTRON_RUN_AS_NODE: '1',
      NODE_OPTIONS: '--inspect',
      TERM: 'dumb',
    });
    expect(env).toMatchObject({ HOME: '/home/u', SSH_AUTH_SOCK: '/tmp/agent', TERM: 'xterm-256color' });
    expect(env.COLORTERM).toBe('truecolor');
    expect(env).not.toHaveProperty('PA_DATA_DIR');
    expect(env).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
    expect(env).not.toHaveProperty('NODE_OPTIONS');
  });
});

describe('who may use a terminal', () => {
  it('lets the user always, a workflow or the agent only in a trusted workspace', () => {
    expect(terminalActorOf('ui')).toBe('user');
    expect(terminalActorOf('cli')).toBe('user');
    expect(terminalActorOf('mcp')).toBe('agent');
    expect(mayUseTerminal('user', false)).toBe(true);
    expect(mayUseTerminal('workflow', false)).toBe(false);
    expect(mayUseTerminal('agent', true)).toBe(true);
    expect(() => assertMayUseTerminal('agent', false)).toThrow(/trusted workspace/);
  });
});

describe('joinOutput', () => {
  it('joins output into the last queued chunk up to a bound, and never into the screen', () => {
    const queue = [{ type: 'screen' as const, data: 'S', cols: 80, rows: 24, reader: 'r1' }];
    expect(joinOutput(queue, { type: 'data', data: 'a' })).toBe(false);
    queue.push({ type: 'data', data: 'a' } as never);
    expect(joinOutput(queue, { type: 'data', data: 'b' })).toBe(true);
    expect(queue[1]).toEqual({ type: 'data', data: 'ab' });
    expect(joinOutput(queue, { type: 'data', data: 'x'.repeat(MAX_ITEM_CHARS) })).toBe(false);
  });
});
