import { describe, expect, it } from 'vitest';
import { CommandRegistry } from './commands';
import type { WorkbenchApi } from './contributions';

const api = {} as WorkbenchApi;
const stroke = { key: 'k', ctrlKey: true, metaKey: false, shiftKey: false, altKey: false };

describe('CommandRegistry', () => {
  it('finds the command bound to a key stroke and spells its shortcut for the platform', () => {
    const registry = new CommandRegistry(false, () => undefined);
    registry.register({ id: 'ai.ask', title: 'Ask AI', keybinding: 'Mod+K', run: () => undefined });
    expect(registry.commandFor(stroke)?.id).toBe('ai.ask');
    expect(registry.shortcutFor('ai.ask')).toBe('Ctrl+K');
    expect(registry.commandFor({ ...stroke, key: 'j' })).toBeNull();
  });

  it('keeps a command whose binding cannot be parsed, without a shortcut, and says why', () => {
    const reports: string[] = [];
    const registry = new CommandRegistry(false, (message) => reports.push(message));
    registry.register({ id: 'broken', title: 'Broken', keybinding: 'Mod+Shift', run: () => undefined });
    expect(registry.list().map((command) => [command.id, command.shortcut])).toEqual([['broken', null]]);
    expect(reports[0]).toMatch(/names no key/);
  });

  it('waits for a command that returns a promise (Save waits for Format Document), and says when none is there', async () => {
    const registry = new CommandRegistry(false, () => undefined);
    const order: string[] = [];
    registry.register({
      id: 'format',
      title: 'Format',
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('formatted');
      },
    });
    registry.register({ id: 'fails', title: 'Fails', run: () => Promise.reject(new Error('no formatter')) });
    expect(await registry.runAndWait('format', api)).toBe(true);
    order.push('saved');
    expect(order).toEqual(['formatted', 'saved']);
    expect(await registry.runAndWait('missing', api)).toBe(false);
    await expect(registry.runAndWait('fails', api)).rejects.toThrow('no formatter');
  });

  it('reports a command that throws or rejects instead of letting it escape', async () => {
    const reports: string[] = [];
    const registry = new CommandRegistry(false, (message) => reports.push(message));
    registry.register({
      id: 'a',
      title: 'A',
      run: () => {
        throw new Error('sync failure');
      },
    });
    registry.register({
      id: 'b',
      title: 'B',
      run: async () => {
        throw new Error('async failure');
      },
    });
    registry.run('a', api);
    registry.run('b', api);
    registry.run('missing', api);
    await Promise.resolve();
    expect(reports).toEqual(['sync failure', 'No command "missing".', 'async failure']);
  });
});
