// `file:line[:col]` references in terminal output (compiler errors, stack traces, grep -n), resolved to a
// workspace-relative path: relative ones against the terminal's folder, absolute ones only inside the workspace.
// Anything that climbs out of the workspace is not a link.

export interface FileLink {
  /** 0-based index of the first character in the line's text, and one past the last. */
  start: number;
  end: number;
  text: string;
  line: number;
  column?: number;
}

// a path with at least one dot or slash (src/a.ts, ./x.py, /abs/file.c), then :line and maybe :col
const FILE_LINE =
  /(?:^|[\s('"`[])((?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]+)*\.[\w]+|\/(?:[\w@.+-]+\/)*[\w@.+-]+):(\d+)(?::(\d+))?/g;

export function findFileLinks(lineText: string): FileLink[] {
  const links: FileLink[] = [];
  for (const match of lineText.matchAll(FILE_LINE)) {
    const path = match[1] as string;
    const start = (match.index ?? 0) + match[0].indexOf(path);
    const whole = `${path}:${match[2]}${match[3] ? `:${match[3]}` : ''}`;
    links.push({
      start,
      end: start + whole.length,
      text: path,
      line: Number(match[2]),
      column: match[3] ? Number(match[3]) : undefined,
    });
  }
  return links;
}

/**
 * The workspace-relative path `text` names, seen from the terminal's folder `cwd` (workspace-relative), or null
 * when it leads outside the workspace rooted at `root` (an absolute path).
 */
export function resolveLinkPath(text: string, cwd: string, root: string): string | null {
  let segments: string[];
  if (text.startsWith('/')) {
    const base = root.replace(/\/+$/, '');
    if (!text.startsWith(`${base}/`)) return null;
    segments = text.slice(base.length + 1).split('/');
  } else {
    segments = [...cwd.split('/'), ...text.split('/')];
  }
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(segment);
  }
  return out.length > 0 ? out.join('/') : null;
}
