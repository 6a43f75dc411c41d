// Shared by the workflow integration tests: an engine with an enterprise license (project workflows are the
// "custom" component), a loopback OpenAI-compatible provider, and helpers that follow a run's progress stream.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaError, RpcClient, RunDetail, RunRecord, StepRecord, WorkflowProgress } from '@pa/shared';
import { issueLicense, readSecretKey, writeKeyPair } from '../../apps/engine/src/license/vendor.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, type LoopbackScript, startLoopbackOpenAI } from '../support/loopback-providers.js';
import { testVendorEnv } from '../support/vendor-key.js';

export interface Harness {
  engine: StartedEngine;
  client: RpcClient;
  provider: LoopbackProvider;
  root: string;
  stop(): Promise<void>;
}

/** A vendor key pair made for this test run; engines started with its env (the test build) trust its public key. */
export function testVendor(): {
  env: Record<string, string>;
  license(edition: 'enterprise' | 'team' | 'professional'): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'pa-vendor-'));
  const keys = writeKeyPair(dir);
  const secret = readSecretKey(keys.privateKeyFile);
  return {
    env: testVendorEnv(keys.publicKey),
    license: (edition) =>
      issueLicense(
        { edition, licensee: 'Workflow Tests', email: 'tests@example.com', days: 30, now: Date.now() },
        secret,
      ),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function startHarness(options: {
  root: string;
  script?: LoopbackScript;
  env?: Record<string, string>;
  edition?: 'enterprise' | 'personal';
  dataDir?: string;
}): Promise<Harness> {
  const vendor = testVendor();
  const provider = await startLoopbackOpenAI(options.script ?? { kind: 'ok', text: 'Hello from loopback' });
  const engine = await startEngine({
    workspace: options.root,
    env: { ...vendor.env, ...options.env },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const client = await engine.connect();
  if ((options.edition ?? 'enterprise') === 'enterprise')
    await client.call('license.activate', { key: vendor.license('enterprise') });
  await useLoopbackModel(client, provider);
  return {
    engine,
    client,
    provider,
    root: options.root,
    async stop() {
      await engine.stop();
      await provider.close();
      vendor.remove();
    },
  };
}

/** Makes a loopback server the engine's model: an own-key OpenAI-compatible provider with the id "loop". */
export async function useLoopbackModel(client: Pick<RpcClient, 'call'>, provider: LoopbackProvider): Promise<void> {
  await client.call('ai.providers.add', {
    id: 'loop',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'loop-model',
    baseURL: provider.baseURL,
    apiKey: 'sk-loopback',
  });
}

export function writeWorkflow(root: string, name: string, yaml: string): void {
  mkdirSync(join(root, '.powerautomation/workflows'), { recursive: true });
  writeFileSync(join(root, '.powerautomation/workflows', `${name}.yml`), yaml);
}

/** Follows one run's progress: every event in order, and a promise for the first event that matches. */
export class RunWatch {
  readonly events: WorkflowProgress[] = [];
  private waiters: Array<{ test: (event: WorkflowProgress) => boolean; resolve: (event: WorkflowProgress) => void }> =
    [];
  private constructor(
    readonly client: RpcClient,
    readonly runId: string,
  ) {}

  static async start(client: RpcClient, call: Promise<{ streamId: string; runId: string }>): Promise<RunWatch> {
    const started = await call;
    return RunWatch.follow(client, started.streamId, started.runId);
  }

  /** Follows a run that another connection started; `run` is how it stood when this connection joined. */
  static async attach(client: RpcClient, runId: string): Promise<{ watch: RunWatch; run: RunDetail }> {
    const { streamId, run } = await client.call('workflow.attach', { runId });
    return { watch: RunWatch.follow(client, streamId, runId), run };
  }

  private static follow(client: RpcClient, streamId: string, runId: string): RunWatch {
    const watch = new RunWatch(client, runId);
    client.onStream(streamId, (_event, data) => watch.push(data as WorkflowProgress));
    return watch;
  }

  private push(event: WorkflowProgress): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(event)) return true;
      waiter.resolve(event);
      return false;
    });
  }

  next(test: (event: WorkflowProgress) => boolean): Promise<WorkflowProgress> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  step(stepId: string, state: StepRecord['state']): Promise<StepRecord> {
    return this.next(
      (event) => event.type === 'step' && event.step.stepId === stepId && event.step.state === state,
    ).then((event) => (event as Extract<WorkflowProgress, { type: 'step' }>).step);
  }

  async finished(): Promise<RunRecord> {
    const event = await this.next(
      (event) => event.type === 'run' && ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(event.run.state),
    );
    return (event as Extract<WorkflowProgress, { type: 'run' }>).run;
  }

  detail(): Promise<RunDetail> {
    return this.client.call('workflow.run.get', { runId: this.runId });
  }

  logs(stepId: string): string {
    return this.events
      .filter(
        (event): event is Extract<WorkflowProgress, { type: 'log' }> => event.type === 'log' && event.stepId === stepId,
      )
      .map((event) => event.text)
      .join('');
  }
}

/** The error a call was rejected with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<PaError> {
  try {
    await promise;
  } catch (error) {
    return error as PaError;
  }
  throw new Error('expected the call to fail');
}

export function isAlive(pid: number): boolean {
  // A killed process whose parent is gone stays a zombie until init reaps it; a zombie runs nothing.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
