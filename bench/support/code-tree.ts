// Source trees for the codebase index benchmarks: a copy of the checkout's own node_modules sources (real code of
// every style), and a generated TypeScript tree of a known number of functions (for an index of 100,000 chunks).
// Both are made once under os.tmpdir() and reused; a ready marker says a tree is complete.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../../scripts/paths.js';
import { progress } from './report.js';

const SOURCE = /\.(?:[cm]?js|[cm]?ts|tsx|jsx)$/;
const MAX_FILE_BYTES = 256 * 1024;

/** The first `count` JavaScript/TypeScript files of node_modules (sorted walk, minified `.min.` files left out). */
export function nodeModulesTree(count: number): { root: string; files: number; bytes: number } {
  const root = join(tmpdir(), `pa-bench-node-modules-${count}`);
  const ready = join(root, '.pa-bench-ready');
  if (!existsSync(ready)) {
    progress(`copying ${count} source files of node_modules to ${root} (once)`);
    rmSync(root, { recursive: true, force: true });
    let copied = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (copied >= count) return;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.includes('.min.')) {
          if (statSync(path).size > MAX_FILE_BYTES) continue;
          const target = join(root, relative(join(repoRoot, 'node_modules'), path));
          mkdirSync(dirname(target), { recursive: true });
          copyFileSync(path, target);
          copied++;
        }
      }
    };
    walk(join(repoRoot, 'node_modules'));
    writeFileSync(ready, '');
  }
  let files = 0;
  let bytes = 0;
  const measure = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) measure(path);
      else if (entry.isFile() && entry.name !== '.pa-bench-ready') {
        files++;
        bytes += statSync(path).size;
      }
    }
  };
  measure(root);
  return { root, files, bytes };
}

const VERBS = ['get', 'set', 'load', 'save', 'parse', 'render', 'remove', 'create', 'update', 'find', 'send', 'read'];
const NOUNS = ['user', 'account', 'invoice', 'order', 'config', 'session', 'token', 'file', 'report', 'cache', 'item'];
const MORE = ['list', 'state', 'event', 'value', 'result', 'request', 'response', 'record', 'entry', 'batch'];

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `files` TypeScript files of `perFile` small functions each, spread over folders of 100 files. */
export function generatedTree(files: number, perFile: number): { root: string; functions: number } {
  const root = join(tmpdir(), `pa-bench-generated-${files}x${perFile}`);
  const ready = join(root, '.pa-bench-ready');
  if (!existsSync(ready)) {
    progress(`writing ${files} files of ${perFile} functions to ${root} (once)`);
    rmSync(root, { recursive: true, force: true });
    const next = random(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    for (let file = 0; file < files; file++) {
      const dir = join(root, `pkg${Math.floor(file / 100)}`);
      if (file % 100 === 0) mkdirSync(dir, { recursive: true });
      const body: string[] = [`// Module ${file}: ${pick(NOUNS)} ${pick(MORE)} helpers.`, ''];
      for (let fn = 0; fn < perFile; fn++) {
        const verb = pick(VERBS);
        const noun = pick(NOUNS);
        const more = pick(MORE);
        const name = `${verb}${cap(noun)}${cap(more)}${file}_${fn}`;
        body.push(
          `/** ${cap(verb)}s the ${noun} ${more} of the store. */`,
          `export function ${name}(store: Map<string, number>, key: string): number {`,
          `  const ${noun} = store.get(key) ?? ${Math.floor(next() * 1000)};`,
          `  if (${noun} > ${Math.floor(next() * 100)}) store.set('${more}', ${noun} - 1);`,
          `  return ${noun} * ${fn + 1};`,
          '}',
          '',
        );
      }
      writeFileSync(join(dir, `module${file}.ts`), body.join('\n'));
    }
    writeFileSync(ready, '');
  }
  return { root, functions: files * perFile };
}

const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
