// Facts about the workspace that templates may use: `project.files` (paths), `project.sources` (the text of the
// smaller source files, for prompts) and `project.testCommand`. Computed on first use only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { IgnoreRules } from '../files/index.js';
import { detectTestCommand } from './test-command.js';

export interface ProjectFacts {
  readonly root: string;
  readonly name: string;
  readonly files: string[];
  readonly sources: string;
  readonly testCommand: string;
}

const FILE_LIMIT = 2_000;
const SOURCE_BYTES = 64 * 1024;
const SOURCE_FILE_BYTES = 16 * 1024;
const SOURCE_EXTENSIONS =
  /\.(c|cc|cpp|cs|css|go|h|html|java|js|jsx|json|kt|md|mjs|cjs|py|rb|rs|scss|sh|swift|ts|tsx|vue|yaml|yml)$/;

export function projectFacts(root: string): ProjectFacts {
  let files: string[] | null = null;
  let sources: string | null = null;
  const list = () => {
    files ??= listFiles(root);
    return files;
  };
  return {
    root,
    name: basename(root),
    get files() {
      return list();
    },
    get sources() {
      sources ??= collectSources(root, list());
      return sources;
    },
    get testCommand() {
      const detected = detectTestCommand(root);
      return detected ? [detected.command, ...detected.args].join(' ') : '';
    },
  };
}

function listFiles(root: string): string[] {
  const rules = new IgnoreRules(root);
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (out.length >= FILE_LIMIT) return;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.name === 'node_modules' || rules.isIgnored(rel, entry.isDirectory())) continue;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out;
}

function collectSources(root: string, files: string[]): string {
  let out = '';
  for (const file of files) {
    if (!SOURCE_EXTENSIONS.test(file) || /(^|\/)(package-lock\.json|.*\.min\.js)$/.test(file)) continue;
    try {
      if (statSync(join(root, file)).size > SOURCE_FILE_BYTES) continue;
      const block = `--- ${file}\n${readFileSync(join(root, file), 'utf8')}\n`;
      if (out.length + block.length > SOURCE_BYTES) break;
      out += block;
    } catch {
      // vanished or unreadable between listing and reading: leave it out of the prompt
    }
  }
  return out;
}
