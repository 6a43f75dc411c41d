// PLACEHOLDER until issue 4 lands: the model router and its providers.
import { ErrorCode, PaError } from '@pa/shared';
import type { Capability } from '../capability.js';
import type { EngineContext } from '../engine.js';
import type { Entitlements, Quotas } from '../license/api.js';
import type { Secrets } from '../secrets/api.js';
import type { AiService } from './api.js';

export type { AiService, ChatTurn, GenerateRequest, GenerateResult, TaskType } from './api.js';

export interface Ai extends Capability {
  service: AiService;
}

export function createAi(
  _ctx: EngineContext,
  _deps: { entitlements: Entitlements; quotas: Quotas; secrets: Secrets },
): Ai {
  return {
    handlers: {},
    service: {
      generate: async () => {
        throw new PaError(ErrorCode.UNAVAILABLE, 'No AI provider is configured.');
      },
    },
  };
}
