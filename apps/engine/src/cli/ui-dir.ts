// Finds the built UI: PA_UI_DIR, else packages/ui/dist next to this checkout, else resources of a packaged app.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findUiDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PA_UI_DIR) return resolve(env.PA_UI_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../../packages/ui/dist'), join(here, '../ui'), join(here, '../../ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}
