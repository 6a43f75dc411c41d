// The tiny generated GGUF (scripts/make-tiny-gguf.ts) as a local provider for `ai.providers.add`: integration and
// e2e tests add it the same way, overriding what they need (id, tasks, concurrency, template).
import type { ProviderConfigInput } from '@pa/shared';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';

export function tinyProvider(overrides: Partial<ProviderConfigInput> = {}): ProviderConfigInput {
  return {
    id: 'tiny',
    kind: 'local',
    modelClass: 'local',
    model: 'tiny-llama',
    modelPath: ensureTinyGguf(),
    maxConcurrency: 1,
    ...overrides,
  };
}
