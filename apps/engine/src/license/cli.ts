// PLACEHOLDER until its issue lands: the `pa license, pa audit` commands.
import type { Command } from 'commander';

export function registerLicenseCommands(_program: Command): void {}
