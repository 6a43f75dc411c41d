// Commands by id with their parsed key bindings: the palette lists them, the window's key handler runs them.
import { errorMessage } from '@pa/shared';
import type { CommandContribution, WorkbenchApi } from './contributions';
import { formatKeybinding, type Keybinding, type KeyStroke, matchesKeybinding, parseKeybinding } from './keybinding';

export interface RegisteredCommand extends CommandContribution {
  binding: Keybinding | null;
  /** The binding as this platform spells it, for menus and the palette. */
  shortcut: string | null;
}

export class CommandRegistry {
  private readonly commands = new Map<string, RegisteredCommand>();

  constructor(
    private readonly isMac: boolean,
    private readonly reportError: (message: string, kind: 'warning' | 'error') => void,
  ) {}

  register(command: CommandContribution): void {
    let binding: Keybinding | null = null;
    if (command.keybinding) {
      try {
        binding = parseKeybinding(command.keybinding, this.isMac);
      } catch (error) {
        // a feature's broken binding must not take its command away: it stays in the palette
        this.reportError(`Command "${command.id}": ${(error as Error).message}`, 'warning');
      }
    }
    this.commands.set(command.id, {
      ...command,
      binding,
      shortcut: binding ? formatKeybinding(binding, this.isMac) : null,
    });
  }

  list(): RegisteredCommand[] {
    return [...this.commands.values()];
  }

  shortcutFor(id: string): string | null {
    return this.commands.get(id)?.shortcut ?? null;
  }

  /**
   * Runs a command and waits for it (Save waiting for Format Document); false when no such command is registered.
   * A failure rejects, for the caller to report.
   */
  async runAndWait(id: string, api: WorkbenchApi): Promise<boolean> {
    const command = this.commands.get(id);
    if (!command) return false;
    await command.run(api);
    return true;
  }

  run(id: string, api: WorkbenchApi): void {
    const command = this.commands.get(id);
    if (!command) {
      this.reportError(`No command "${id}".`, 'warning');
      return;
    }
    try {
      const result = command.run(api);
      if (result instanceof Promise) result.catch((error: unknown) => this.reportError(errorMessage(error), 'error'));
    } catch (error) {
      this.reportError(errorMessage(error), 'error');
    }
  }

  /** The command bound to a key stroke, if any. */
  commandFor(stroke: KeyStroke): RegisteredCommand | null {
    for (const command of this.commands.values()) {
      if (command.binding && matchesKeybinding(command.binding, stroke)) return command;
    }
    return null;
  }
}
