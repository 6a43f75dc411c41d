// PLACEHOLDER until issue 5 lands: collaboration sessions (Yjs persistence, hosting rules).
import type { Capability } from '../capability.js';
import type { EngineContext } from '../engine.js';
import type { Entitlements } from '../license/api.js';

export function createCollab(_ctx: EngineContext, _deps: { entitlements: Entitlements }): Capability {
  return { handlers: {} };
}
