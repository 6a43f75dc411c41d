import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalEngine, openLocalEngine, withLocalEngine } from './local-engine.js';

let dataDir: string;

beforeEach(() => {
  vi.stubEnv('PA_SECRETS_BACKEND', 'file');
  dataDir = mkdtempSync(join(tmpdir(), 'pa-local-engine-'));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every interval set and every timeout set but neither fired nor cleared, from now on. */
function trackTimers(): { live(): number } {
  const live = new Set<unknown>();
  const realSetTimeout = globalThis.setTimeout;
  const realSetInterval = globalThis.setInterval;
  const realClearTimeout = globalThis.clearTimeout;
  const realClearInterval = globalThis.clearInterval;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: (...args: unknown[]) => void, ms?: number) => {
    const timer = realSetTimeout(() => {
      live.delete(timer);
      callback();
    }, ms);
    live.add(timer);
    return timer;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((callback: () => void, ms?: number) => {
    const timer = realSetInterval(callback, ms);
    live.add(timer);
    return timer;
  }) as typeof setInterval);
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
    live.delete(timer);
    realClearTimeout(timer);
  });
  vi.spyOn(globalThis, 'clearInterval').mockImplementation((timer) => {
    live.delete(timer);
    realClearInterval(timer);
  });
  return { live: () => live.size };
}

describe('openLocalEngine', () => {
  it('answers with results parsed by the protocol schemas, and refusals as typed errors', async () => {
    await withLocalEngine({ actor: 'cli', dataDir }, async (local) => {
      const info = await local.call('engine.info');
      expect(info).toMatchObject({ transport: 'port', dataDir });
      expect((await local.call('license.status')).edition).toBe('personal');
      const refusal = await local.call('workflow.run.get', { runId: 'no-such-run' }).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(PaError);
      expect((refusal as PaError).code).toBe(ErrorCode.NOT_FOUND);
    });
  });

  it('leaves no timer behind once disposed (licence ticker, AI health checks, capabilities loaded later)', async () => {
    const timers = trackTimers();
    const local = await openLocalEngine({ actor: 'cli', dataDir });
    await local.call('license.status');
    await local.call('workflow.runs'); // loads the workflow capability, which the engine loads on first use
    expect(timers.live()).toBeGreaterThan(0);
    await local.dispose();
    expect(timers.live()).toBe(0);
  });

  it('disposes the engine when the command fails, and refuses calls afterwards', async () => {
    const seen: { local?: LocalEngine } = {};
    await expect(
      withLocalEngine({ actor: 'cli', dataDir }, async (local) => {
        seen.local = local;
        throw new Error('the command failed');
      }),
    ).rejects.toThrow('the command failed');
    const late = await seen.local?.call('engine.ping').catch((error: unknown) => error);
    expect(late).toBeInstanceOf(PaError);
    expect((late as PaError).code).toBe(ErrorCode.UNAVAILABLE);
  });
});
