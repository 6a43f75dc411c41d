// PLACEHOLDER until issue 3 lands: the secrets store (keychain with an encrypted-file fallback).
import type { EngineContext } from '../engine.js';
import type { Secrets } from './api.js';

export type { Secrets } from './api.js';

export function createSecrets(_ctx: Pick<EngineContext, 'dataDir'>): Secrets {
  const values = new Map<string, string>();
  return {
    backend: 'file',
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => void values.set(name, value),
    delete: async (name) => void values.delete(name),
  };
}
