import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MenuCommand } from '../channels.js';
import { menuTemplate } from './menu.js';

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = item.submenu ? find(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])]);
}

function context(overrides: { isMac?: boolean; devMode?: boolean } = {}) {
  const sent: MenuCommand[] = [];
  let about = 0;
  const template = menuTemplate({
    isMac: overrides.isMac ?? false,
    devMode: overrides.devMode ?? false,
    sendToPage: (command) => sent.push(command),
    showAbout: () => {
      about += 1;
    },
  });
  return { template, sent, about: () => about };
}

describe('menuTemplate', () => {
  it('has File, Edit, View and Help, with an app menu first on macOS only', () => {
    expect(context().template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(context({ isMac: true }).template[0]?.role).toBe('appMenu');
  });

  it('forwards Open Folder and Save to the page as workbench commands', () => {
    const { template, sent } = context();
    find(template, 'Open Folder…')?.click?.(undefined, undefined);
    find(template, 'Save')?.click?.(undefined, undefined);
    expect(sent).toEqual([MenuCommand.openFolder, MenuCommand.save]);
  });

  it('offers Quit and About', () => {
    const { template, about } = context();
    expect(roles(template)).toContain('quit');
    find(template, 'About ClaudeEditor')?.click?.(undefined, undefined);
    expect(about()).toBe(1);
  });

  it('shows dev tools and reload only in development', () => {
    expect(roles(context({ devMode: false }).template)).not.toContain('toggleDevTools');
    expect(roles(context({ devMode: false }).template)).not.toContain('reload');
    expect(roles(context({ devMode: true }).template)).toContain('toggleDevTools');
  });
});
