#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or the named ones) in its own process, one after
// another so they do not compete for the two cores. Each prints JSON lines on stdout; progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}; there are: ${all.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  process.stderr.write(`bench: ${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.bench.ts`)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0) {
    failed += 1;
    process.stdout.write(`${JSON.stringify({ name, error: `exited with ${run.status ?? run.signal}` })}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
