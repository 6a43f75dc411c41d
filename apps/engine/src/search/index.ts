// The search capability: search.text streams matches file by file from ripgrep when it is installed (ripgrep.ts
// says how it is found) or from the engine's own walk (builtin.ts), cut at maxResults; search.replace rewrites the
// previewed matches (replace.ts). Loaded on first use: re2js and the walk stay off the engine's start path.
import { realpathSync } from 'node:fs';
import { ErrorCode, PaError, type SearchTextResult } from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { builtinSearch } from './builtin.js';
import { planSearch } from './plan.js';
import { replaceMatches } from './replace.js';
import { findRipgrep, ripgrepSearch } from './ripgrep.js';

export function createSearch(context: EngineContext): Capability {
  const handlers: PartialHandlers = {
    'search.text': async function* (params, { signal }) {
      const started = performance.now();
      const plan = planSearch(realpathSync(context.workspace.requireRoot()), params);
      const rg = params.engine === 'builtin' ? null : findRipgrep();
      if (params.engine === 'ripgrep' && !rg) {
        throw new PaError(ErrorCode.UNAVAILABLE, 'ripgrep is not installed (no bundled rg and none on PATH).');
      }
      const source = rg ? ripgrepSearch(rg, plan, signal) : builtinSearch(plan, signal);
      const seen = new Set<string>();
      let matches = 0;
      let limitHit = false;
      for await (const item of source) {
        if (matches >= params.maxResults) {
          limitHit = true;
          break; // leaving the loop returns the source: rg is killed, the walk stops
        }
        const kept = item.matches.slice(0, params.maxResults - matches);
        matches += kept.length;
        seen.add(item.path);
        yield { path: item.path, matches: kept };
        if (kept.length < item.matches.length) {
          limitHit = true;
          break;
        }
      }
      const result: SearchTextResult = {
        files: seen.size,
        matches,
        limitHit,
        engine: rg ? 'ripgrep' : 'builtin',
        elapsedMs: performance.now() - started,
      };
      return result;
    },
    'search.replace': (params) => replaceMatches(context.files, params),
  };
  return { handlers };
}
