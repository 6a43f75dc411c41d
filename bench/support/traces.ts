// Loads the real-world editing traces in ../shared/data/editing-traces (josephg/editing-traces).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export type Patch = [number, number, string];

export interface SequentialTrace {
  startContent: string;
  endContent: string;
  txns: Array<{ patches: Patch[] }>;
}

export interface ConcurrentTrace {
  endContent: string;
  numAgents: number;
  txns: Array<{ agent: number; parents: number[]; patches: Patch[] }>;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TRACES_DIR = process.env.PA_TRACES_DIR ?? join(repoRoot, '..', 'shared', 'data', 'editing-traces');

export function loadTrace<T>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(join(TRACES_DIR, `${name}.json.gz`))).toString('utf8')) as T;
}

/** Trace positions count code points, Yjs and Monaco count UTF-16 units; they agree only without astral characters. */
export function hasAstral(text: string): boolean {
  return /[\u{10000}-\u{10FFFF}]/u.test(text);
}
