// TypeScript's own lib files (lib.es2022.d.ts, lib.dom.d.ts…) of the TypeScript the worker runs, by file name: the
// worker's language service host serves them as the default library and for `lib` / `/// <reference lib>`. Read from
// the installed package at build time (Vite's glob, as raw text), so they always match the compiler beside them.

const raw = import.meta.glob<string>('../../../../node_modules/typescript/lib/lib.*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export const LIB_FILES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(raw).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text]),
);

if (!('lib.es5.d.ts' in LIB_FILES)) {
  throw new Error('TypeScript lib files not found: node_modules/typescript/lib is missing (run npm ci)');
}
