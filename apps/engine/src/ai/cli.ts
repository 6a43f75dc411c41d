// PLACEHOLDER until its issue lands: the `pa models` commands.
import type { Command } from 'commander';

export function registerAiCommands(_program: Command): void {}
