// PLACEHOLDER until its issue lands: the `pa workflow, pa mcp` commands.
import type { Command } from 'commander';

export function registerWorkflowCommands(_program: Command): void {}
