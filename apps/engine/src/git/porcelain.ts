// Parses `git status --porcelain=v2 --branch -z`: NUL-terminated records, so any byte in a path survives, and a
// rename carries its original path in the next record. Pure: tested on git's own output in porcelain.test.ts.
import type { GitBranchInfo, GitChange, GitState } from '@pa/shared';

const STATES: ReadonlySet<string> = new Set(['.', 'M', 'T', 'A', 'D', 'R', 'C', 'U']);

function state(char: string | undefined): GitState {
  return char !== undefined && STATES.has(char) ? (char as GitState) : '.';
}

function submodule(field: string | undefined): GitChange['submodule'] {
  if (!field?.startsWith('S')) return undefined;
  return { commit: field[1] === 'C', modified: field[2] === 'M', untracked: field[3] === 'U' };
}

/** The rest of a record after `count` space-separated fields: the path, which may itself contain spaces. */
function after(record: string, count: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const space = record.indexOf(' ', at);
    if (space < 0) return { fields, rest: '' };
    fields.push(record.slice(at, space));
    at = space + 1;
  }
  return { fields, rest: record.slice(at) };
}

export interface ParsedStatus {
  branch: GitBranchInfo;
  changes: GitChange[];
}

export function parseStatus(output: string): ParsedStatus {
  const branch: GitBranchInfo = { head: null, oid: null, upstream: null, ahead: 0, behind: 0 };
  const changes: GitChange[] = [];
  const records = output.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i] ?? '';
    switch (record[0]) {
      case '#': {
        const [, key, ...values] = record.split(' ');
        const value = values.join(' ');
        if (key === 'branch.oid') branch.oid = value === '(initial)' ? null : value;
        else if (key === 'branch.head') branch.head = value === '(detached)' ? null : value;
        else if (key === 'branch.upstream') branch.upstream = value;
        else if (key === 'branch.ab') {
          const match = /^\+(\d+) -(\d+)$/.exec(value);
          branch.ahead = Number(match?.[1] ?? 0);
          branch.behind = Number(match?.[2] ?? 0);
        }
        break;
      }
      case '1': {
        // 1 XY sub mH mI mW hH hI path
        const { fields, rest } = after(record, 8);
        const xy = fields[1] ?? '..';
        changes.push({
          path: rest,
          kind: 'tracked',
          index: state(xy[0]),
          worktree: state(xy[1]),
          submodule: submodule(fields[2]),
        });
        break;
      }
      case '2': {
        // 2 XY sub mH mI mW hH hI Xscore path \0 origPath
        const { fields, rest } = after(record, 9);
        const xy = fields[1] ?? '..';
        const origPath = records[++i] ?? '';
        changes.push({
          path: rest,
          origPath,
          kind: 'renamed',
          index: state(xy[0]),
          worktree: state(xy[1]),
          submodule: submodule(fields[2]),
        });
        break;
      }
      case 'u': {
        // u XY sub m1 m2 m3 mW h1 h2 h3 path
        const { fields, rest } = after(record, 10);
        const xy = fields[1] ?? 'UU';
        changes.push({
          path: rest,
          kind: 'conflict',
          index: state(xy[0]),
          worktree: state(xy[1]),
          submodule: submodule(fields[2]),
        });
        break;
      }
      case '?':
        changes.push({ path: record.slice(2), kind: 'untracked', index: '.', worktree: '.' });
        break;
      case '!':
        changes.push({ path: record.slice(2), kind: 'ignored', index: '.', worktree: '.' });
        break;
      default:
        break;
    }
  }
  return { branch, changes };
}
