// `pa`: the PowerAutomation command line. Each capability adds its own `pa <noun> <verb>` commands; a command
// that needs the engine opens it through cli/local-engine.ts, so `pa --version` loads none of it.
import { errorMessage } from '@pa/shared';
import { Command, CommanderError } from 'commander';
import { registerAiCommands } from './ai/cli.js';
import { registerDoctorCommand } from './cli/doctor.js';
import { registerServeCommand } from './cli/serve.js';
import { registerCollabCommands } from './collab/cli.js';
import { registerLicenseCommands } from './license/cli.js';
import { registerMcpCommands } from './mcp/cli.js';
import { registerModelFileCommands } from './models/cli.js';
import { VERSION } from './version.js';
import { registerWorkflowCommands } from './workflow/cli.js';

export function buildProgram(): Command {
  const program = new Command('pa')
    .description('PowerAutomation: the local engine of ClaudeEditor')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run `pa --help` for the commands)');
  registerServeCommand(program);
  registerDoctorCommand(program);
  registerLicenseCommands(program);
  registerAiCommands(program);
  registerModelFileCommands(program); // pull, files, catalog under `pa models`
  registerWorkflowCommands(program);
  registerMcpCommands(program);
  registerCollabCommands(program);
  return program;
}

buildProgram()
  .exitOverride()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`pa: ${errorMessage(error)}\n`);
    process.exit(1);
  });
