// Workspace paths whose content makes the host run code or rewrites the repository (.git/config with
// core.fsmonitor runs on the next `git status`), so a remote peer's data may never create them. Compared the way
// the filesystems that could hold them compare names: case-insensitively (NTFS, APFS), after Unicode
// normalisation (NFKC folds fullwidth ．ｇｉｔ), without the characters HFS+ ignores and without the trailing dots
// and spaces Windows strips (`.git.` is `.git` there), with 8.3 short names (`GIT~1`) and NTFS streams (`::$DATA`).

/** Why a path is protected: `never` is written by no peer at all, `create` only when the host shared it. */
export type ProtectedKind = 'never' | 'create';

export interface ProtectedPath {
  kind: ProtectedKind;
  /** The rule it matched, for the message shown to the host ("a git folder", "a test runner's config"). */
  reason: string;
}

/** Folders whose files configure tools that run code: nothing below them is written by a peer. */
const NEVER_FOLDERS: ReadonlyMap<string, string> = new Map([
  ['.githooks', 'a git hooks folder'],
  ['.husky', 'a git hooks folder'],
  ['.powerautomation', 'PowerAutomation configuration (workflows run commands)'],
  ['.vscode', 'editor configuration (tasks and settings run commands)'],
  ['.idea', 'editor configuration (run configurations run commands)'],
  ['.devcontainer', 'container configuration (runs commands)'],
]);

/** Single files that run code or redirect tools wherever they sit: never written by a peer either. */
const NEVER_FILES: ReadonlyMap<string, string> = new Map([
  ['.envrc', 'a direnv script'],
  ['.npmrc', 'package manager configuration (sets the shell that runs scripts)'],
  ['.yarnrc', 'package manager configuration'],
  ['.yarnrc.yml', 'package manager configuration (yarnPath runs a script)'],
  ['.pnpmfile.cjs', 'a package manager hook'],
  ['.gitmodules', 'git configuration'],
  ['.gitattributes', 'git configuration (filters run commands)'],
]);

/** Files that run when the host builds or tests: a peer may edit one the host shared, never create one. */
const CREATE_FILES: ReadonlyMap<string, string> = new Map([
  ['package.json', 'package scripts run on npm test'],
  ['conftest.py', "a test runner's configuration (pytest imports it)"],
  ['setup.py', 'a build script'],
  ['sitecustomize.py', 'Python startup code'],
  ['usercustomize.py', 'Python startup code'],
  ['makefile', 'a build script'],
  ['gnumakefile', 'a build script'],
  ['build.rs', 'a build script'],
  ['.pre-commit-config.yaml', 'git hook configuration'],
]);

/** Code points HFS+ ignores in names (git's is_hfs_dotgit list) and soft hyphens: `.g\u200cit` is `.git` there. */
const IGNORED_CODE_POINTS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;

/** One path segment as a case-insensitive, normalising filesystem would store it. */
export function foldSegment(segment: string): string {
  return (
    segment
      .normalize('NFKC')
      .replace(IGNORED_CODE_POINTS, '')
      .toLowerCase()
      // an NTFS stream names the file before the colon: `.git::$INDEX_ALLOCATION` is the `.git` folder
      .replace(/:.*$/s, '')
      .replace(/[. ]+$/, '')
  );
}

/** The segments of a '/' or '\\' separated relative path, folded; empty and `.` segments dropped. */
function foldedSegments(path: string): string[] {
  return path
    .split(/[/\\]/)
    .map(foldSegment)
    .filter((segment) => segment !== '' && segment !== '.');
}

/** Whether a peer's write to `path` is refused always (`never`), unless shared (`create`), or not at all (null). */
export function protectedPath(path: string): ProtectedPath | null {
  const segments = foldedSegments(path);
  const name = segments.at(-1) ?? '';
  if (segments.some(isGitSegment)) return { kind: 'never', reason: 'inside the git repository' };
  for (const [index, segment] of segments.entries()) {
    const folder = index < segments.length - 1 ? NEVER_FOLDERS.get(segment) : undefined;
    if (folder) return { kind: 'never', reason: folder };
    if (segment === '.github' && (segments[index + 1] === 'workflows' || segments[index + 1] === 'actions')) {
      return { kind: 'never', reason: 'a CI workflow (runs with the repository secrets)' };
    }
  }
  const file = NEVER_FILES.get(name);
  if (file) return { kind: 'never', reason: file };
  if (name === '.env' || name.startsWith('.env.')) return { kind: 'never', reason: 'an environment file' };
  const created = CREATE_FILES.get(name);
  if (created) return { kind: 'create', reason: created };
  if (name.endsWith('.pth')) return { kind: 'create', reason: 'Python startup code' };
  return null;
}

/** Whether `path` lies in (or is) a git folder or link, whatever its case, spelling or normalisation. */
export function isGitPath(path: string): boolean {
  return foldedSegments(path).some(isGitSegment);
}

function isGitSegment(segment: string): boolean {
  return segment === '.git' || segment === 'git~1';
}
