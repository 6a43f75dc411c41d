// `pa`: the PowerAutomation command line. Each capability adds its own `pa <noun> <verb>` commands.
import { Command, CommanderError } from 'commander';
import { registerDoctorCommand } from './cli/doctor.js';
import { registerServeCommand } from './cli/serve.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('pa')
    .description('PowerAutomation: the local engine of ClaudeEditor')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run `pa --help` for the commands)');
  registerServeCommand(program);
  registerDoctorCommand(program);
  return program;
}

buildProgram()
  .exitOverride()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`pa: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
