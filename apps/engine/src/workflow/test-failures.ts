// Turns a test runner's output into failures with file:line — node:test (TAP and spec), Jest, Vitest, pytest.
// Pure: text in, list out; the samples it is tested with are real captured outputs.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TestFailure {
  /** Workspace-relative when the runner printed a path inside the workspace. */
  file: string;
  line: number;
  column: number | null;
  name: string;
  message: string;
}

export function parseTestFailures(output: string, root: string): TestFailure[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are exactly what this strips
  const text = output.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  const found = [...parseTap(lines, root), ...parseNodeSpec(lines, root), ...parseVitest(lines, root)];
  found.push(...parseJest(lines, root), ...parsePytest(lines, root));
  const seen = new Set<string>();
  return found.filter((failure) => {
    const key = `${failure.file}:${failure.line}:${failure.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** The first stack frame that points into the workspace (not node internals, not node_modules). */
function firstOwnFrame(block: string[], root: string): { file: string; line: number; column: number } | null {
  for (const line of block) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const file = toWorkspacePath(match[1] as string, root);
    if (file.startsWith('node:') || file.includes('node_modules/') || file.startsWith('..')) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return null;
}

function toWorkspacePath(raw: string, root: string): string {
  let path = raw;
  if (path.startsWith('file://')) path = fileURLToPath(path);
  if (isAbsolute(path)) {
    const rel = relative(root, path);
    return rel.split('\\').join('/');
  }
  return path.replace(/^\.\//, '');
}

function parseTap(lines: string[], root: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, index) => {
    const head = /^(\s*)not ok \d+ - (.*?)(?:\s+#.*)?$/.exec(line);
    if (!head) return;
    const indent = (head[1] as string).length;
    const block: string[] = [];
    for (let i = index + 1; i < lines.length; i++) {
      const next = lines[i] as string;
      if (next.trim() === '...' && next.indexOf('...') <= indent + 2) break;
      block.push(next);
    }
    const yaml = block.join('\n');
    if (/failureType: 'subtestsFailed'/.test(yaml)) return;
    const location = /location: '(.+):(\d+):(\d+)'/.exec(yaml);
    const stackAt = block.findIndex((entry) => /^\s*stack: \|-/.test(entry));
    const frame = stackAt >= 0 ? firstOwnFrame(block.slice(stackAt + 1), root) : null;
    const where =
      frame ??
      (location
        ? { file: toWorkspacePath(location[1] as string, root), line: Number(location[2]), column: Number(location[3]) }
        : null);
    if (!where) return;
    failures.push({ ...where, name: head[2] as string, message: tapError(block) });
  });
  return failures;
}

function tapError(block: string[]): string {
  const start = block.findIndex((entry) => /^\s*error: /.test(entry));
  if (start < 0) return '';
  const first = block[start] as string;
  const inline = /error: (?!\|)(.*)$/.exec(first);
  if (inline) return unquote((inline[1] as string).trim());
  const indent = first.search(/\S/);
  const body: string[] = [];
  for (let i = start + 1; i < block.length; i++) {
    const entry = block[i] as string;
    if (entry.trim() !== '' && entry.search(/\S/) <= indent) break;
    body.push(entry.trim());
  }
  return body.join('\n').trim();
}

function parseNodeSpec(lines: string[], root: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, index) => {
    const head = /^(\s*)✖ (.+?) \([\d.]+m?s\)\s*$/.exec(line);
    if (!head) return;
    const block: string[] = [];
    for (let i = index + 1; i < lines.length; i++) {
      const next = lines[i] as string;
      if (/^\s*[✔✖ℹ]/.test(next) || (next.trim() !== '' && next.search(/\S/) <= (head[1] as string).length)) break;
      block.push(next);
    }
    const frame = firstOwnFrame(block, root);
    if (!frame) return; // a suite line: its failing tests are reported on their own
    const beforeStack = block.findIndex((entry) => /^\s*at /.test(entry));
    const message = block.slice(0, beforeStack < 0 ? block.length : beforeStack).join('\n');
    failures.push({ ...frame, name: head[2] as string, message: cleanMessage(message) });
  });
  return failures;
}

function parseVitest(lines: string[], root: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, index) => {
    const head = /^\s*FAIL\s+(\S+)\s+>\s+(.+)$/.exec(line);
    if (!head) return;
    const message: string[] = [];
    for (let i = index + 1; i < lines.length; i++) {
      const next = lines[i] as string;
      if (/^\s*FAIL\s/.test(next) || /^⎯/.test(next)) break;
      const at = /^\s*❯\s+(\S+?):(\d+):(\d+)/.exec(next);
      if (at) {
        failures.push({
          file: toWorkspacePath(at[1] as string, root),
          line: Number(at[2]),
          column: Number(at[3]),
          name: (head[2] as string).split(' > ').join(' › '),
          message: cleanMessage(message.join('\n')),
        });
        return;
      }
      if (message.length === 0 && next.trim() === '') continue;
      if (message.length < 1) message.push(next.trim());
    }
  });
  return failures;
}

function parseJest(lines: string[], root: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, index) => {
    const head = /^\s*● (.+)$/.exec(line);
    if (!head || /^\s*● Test suite failed to run/.test(line)) return;
    const block: string[] = [];
    for (let i = index + 1; i < lines.length; i++) {
      const next = lines[i] as string;
      if (/^\s*● /.test(next) || /^(Test Suites|Tests):/.test(next)) break;
      block.push(next);
    }
    const frame = firstOwnFrame(
      block.filter((entry) => /^\s*at /.test(entry)),
      root,
    );
    if (!frame) return;
    const message = block.filter((entry) => entry.trim() !== '' && !/^\s*(>?\s*\d+ \||\||at )/.test(entry));
    failures.push({ ...frame, name: head[1] as string, message: cleanMessage(message.join('\n')) });
  });
  return failures;
}

function parsePytest(lines: string[], root: string): TestFailure[] {
  const failures: TestFailure[] = [];
  lines.forEach((line, index) => {
    const head = /^_{3,} (.+?) _{3,}$/.exec(line);
    if (!head) return;
    const block: string[] = [];
    for (let i = index + 1; i < lines.length; i++) {
      const next = lines[i] as string;
      if (/^_{3,} .+ _{3,}$/.test(next) || /^={3,}/.test(next)) break;
      block.push(next);
    }
    const location = [...block].reverse().find((entry) => /^\S+\.py:\d+: /.test(entry));
    const match = location ? /^(\S+\.py):(\d+): (.*)$/.exec(location) : null;
    if (!match) return;
    const message = block.filter((entry) => entry.startsWith('E ')).map((entry) => entry.slice(1).trim());
    failures.push({
      file: toWorkspacePath(match[1] as string, root),
      line: Number(match[2]),
      column: null,
      name: head[1] as string,
      message: message.join('\n') || (match[3] as string),
    });
  });
  return failures;
}

function cleanMessage(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

function unquote(value: string): string {
  return value.replace(/^'(.*)'$/, '$1');
}
