// Which program serves which language, and where it is: the first candidate found on the user's PATH. A missing
// server is an answer with the commands that install one, never an error.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { LspLanguage } from '@pa/shared';

export interface ServerCommand {
  command: string;
  args: string[];
}

export interface ServerSpec {
  language: LspLanguage;
  /** What the user sees: "the Python language server". */
  name: string;
  /** Tried in order; the first found on PATH runs. */
  candidates: ServerCommand[];
  /** Commands that install a candidate, for the hint. */
  install: string[];
}

export const SERVERS: Record<LspLanguage, ServerSpec> = {
  python: {
    language: 'python',
    name: 'Python language server',
    candidates: [
      { command: 'pyright-langserver', args: ['--stdio'] },
      { command: 'pylsp', args: [] },
    ],
    install: ['pip install pyright', 'npm i -g pyright', 'pip install python-lsp-server'],
  },
  go: {
    language: 'go',
    name: 'Go language server (gopls)',
    candidates: [{ command: 'gopls', args: [] }],
    install: ['go install golang.org/x/tools/gopls@latest'],
  },
  rust: {
    language: 'rust',
    name: 'Rust language server (rust-analyzer)',
    candidates: [{ command: 'rust-analyzer', args: [] }],
    install: ['rustup component add rust-analyzer'],
  },
  cpp: {
    language: 'cpp',
    name: 'C/C++ language server (clangd)',
    candidates: [{ command: 'clangd', args: [] }],
    install: ['apt install clangd', 'brew install llvm', 'winget install LLVM.LLVM'],
  },
  typescript: {
    language: 'typescript',
    name: 'TypeScript language server',
    candidates: [{ command: 'typescript-language-server', args: ['--stdio'] }],
    install: ['npm i -g typescript-language-server typescript'],
  },
};

export interface FoundServer extends ServerCommand {
  /** Absolute path of the program. */
  path: string;
}

/**
 * The first candidate on PATH. Only absolute PATH entries count: a relative one ('.', '', 'node_modules/.bin')
 * would resolve against the workspace, where a cloned repository could plant a program of that name.
 */
export function findServer(
  spec: ServerSpec,
  pathVariable: string | undefined,
  platform = process.platform,
): FoundServer | null {
  const dirs = (pathVariable ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
  const suffixes = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const candidate of spec.candidates) {
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        const path = join(dir, candidate.command + suffix);
        if (isExecutableFile(path)) return { ...candidate, path };
      }
    }
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
