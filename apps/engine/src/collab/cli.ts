// PLACEHOLDER until its issue lands: the `pa relay` commands.
import type { Command } from 'commander';

export function registerCollabCommands(_program: Command): void {}
