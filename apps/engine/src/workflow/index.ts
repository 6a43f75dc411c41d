// PLACEHOLDER until issue 6 lands: workflows.
import type { AiService } from '../ai/api.js';
import type { Capability } from '../capability.js';
import type { EngineContext } from '../engine.js';
import type { Entitlements, Quotas } from '../license/api.js';

export function createWorkflows(
  _ctx: EngineContext,
  _deps: { entitlements: Entitlements; quotas: Quotas; ai: AiService },
): Capability {
  return { handlers: {} };
}
