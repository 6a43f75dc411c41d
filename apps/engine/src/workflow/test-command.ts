// Finds how a project runs its tests, or a named script: package.json scripts, pytest, go test, cargo test,
// Makefile targets. Pure apart from reading the few marker files at the root.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DetectedCommand {
  command: string;
  args: string[];
  /** What was detected, for the log: "package.json script test", "pytest", … */
  source: string;
}

export function detectTestCommand(root: string): DetectedCommand | null {
  const scripts = packageScripts(root);
  if (scripts?.test && !/no test specified/.test(scripts.test)) {
    return { command: npmCommand(), args: ['test'], source: 'package.json script "test"' };
  }
  if (
    ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'conftest.py'].some((file) =>
      existsSync(join(root, file)),
    ) ||
    existsSync(join(root, 'tests'))
  ) {
    if (!scripts) return { command: 'python3', args: ['-m', 'pytest'], source: 'pytest' };
  }
  if (existsSync(join(root, 'go.mod'))) return { command: 'go', args: ['test', './...'], source: 'go test' };
  if (existsSync(join(root, 'Cargo.toml'))) return { command: 'cargo', args: ['test'], source: 'cargo test' };
  if (makeTargets(root).includes('test')) return { command: 'make', args: ['test'], source: 'Makefile target "test"' };
  return null;
}

/** A package.json script by name, else a Makefile target by that name. */
export function detectScript(root: string, name: string): DetectedCommand | null {
  if (packageScripts(root)?.[name] !== undefined) {
    return { command: npmCommand(), args: ['run', name], source: `package.json script "${name}"` };
  }
  if (makeTargets(root).includes(name)) return { command: 'make', args: [name], source: `Makefile target "${name}"` };
  return null;
}

/** Names the project offers to `script` runs, for the operations workflow's form. */
export function listScripts(root: string): string[] {
  return [...Object.keys(packageScripts(root) ?? {}), ...makeTargets(root)];
}

function packageScripts(root: string): Record<string, string> | null {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: unknown };
    if (typeof pkg.scripts !== 'object' || pkg.scripts === null) return {};
    return Object.fromEntries(
      Object.entries(pkg.scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return null; // no package.json (or not JSON): not a Node project
  }
}

function makeTargets(root: string): string[] {
  try {
    const text = readFileSync(join(root, 'Makefile'), 'utf8');
    return [...text.matchAll(/^([A-Za-z][\w.-]*)\s*:(?!=)/gm)].map((match) => match[1] as string);
  } catch {
    return [];
  }
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}
