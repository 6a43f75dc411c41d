// Which runtime runs the engine (engine-runtime.ts does the forking). Pure, so the rule is tested.

export type EngineRuntime = { kind: 'utility' } | { kind: 'node'; nodePath: string };

/**
 * Packaged apps always use Electron's utility process (electron-builder rebuilt the natives for Electron).
 * Development uses the Node that built node_modules, unless PA_ENGINE_RUNTIME=utility asks otherwise
 * (after `npx electron-builder install-app-deps`). scripts/start.mjs passes its own Node as PA_NODE.
 */
export function chooseEngineRuntime(packaged: boolean, env: Record<string, string | undefined>): EngineRuntime {
  if (packaged || env.PA_ENGINE_RUNTIME === 'utility') return { kind: 'utility' };
  return { kind: 'node', nodePath: env.PA_NODE || 'node' };
}
