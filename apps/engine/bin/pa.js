#!/usr/bin/env node
// The `pa` command npm links at install time, before the engine is built: it runs the built CLI, or says how to
// build it. (Linking dist/cli.js itself left `npx pa` broken after `npm ci`: the file did not exist yet when npm
// made the link executable.)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('pa: the engine is not built yet. Run `npm run build` in the repository, then try again.\n');
  process.exit(1);
}
await import(cli.href);
