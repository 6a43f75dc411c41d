// Shared by the workflow integration tests: an engine with an enterprise license (project workflows are the
// "custom" component), a loopback OpenAI-compatible provider, and helpers that follow a run's progress stream.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaError, RpcClient, RpcStream, RunDetail, RunRecord, StepRecord, WorkflowProgress } from '@pa/shared';
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

/**
 * Follows one run through `workflow.attach`: every item in order (the snapshot it starts with is recorded as the run,
 * step and log items it stands for, so a test waits for a state the run had already reached the same way as for a
 * later one), and a promise for the first that matches.
 */
export class RunWatch {
  readonly events: WorkflowProgress[] = [];
  /** The run as it stood when this watch joined. */
  readonly joined: Promise<RunDetail>;
  private waiters: Array<{ test: (event: WorkflowProgress) => boolean; resolve: (event: WorkflowProgress) => void }> =
    [];
  private readonly stream: RpcStream<WorkflowProgress, RunRecord>;

  private constructor(
    readonly client: RpcClient,
    readonly runId: string,
  ) {
    const stream = client.stream('workflow.attach', { runId });
    this.stream = stream;
    let join!: { resolve: (run: RunDetail) => void; reject: (error: unknown) => void };
    this.joined = new Promise((resolve, reject) => {
      join = { resolve, reject };
    });
    this.joined.catch(() => {});
    void (async () => {
      for await (const item of stream) {
        if (item.type === 'snapshot') {
          join.resolve(item.run);
          for (const event of snapshotEvents(item.run)) this.push(event);
        } else this.push(item);
      }
    })().catch(join.reject);
  }

  /** Follows a run as soon as it is started (its items arrive as the test goes on). */
  static async start(client: RpcClient, call: Promise<{ runId: string }>): Promise<RunWatch> {
    const { runId } = await call;
    return new RunWatch(client, runId);
  }

  /** Follows a run that another connection started; `run` is how it stood when this connection joined. */
  static async attach(client: RpcClient, runId: string): Promise<{ watch: RunWatch; run: RunDetail }> {
    const watch = new RunWatch(client, runId);
    return { watch, run: await watch.joined };
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

  /** The record the stream ended with: the run's final state. */
  finished(): Promise<RunRecord> {
    return this.stream.result;
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

/** A snapshot as the items it stands for: the run's state, each step's record, the log text each step had. */
function snapshotEvents(run: RunDetail): WorkflowProgress[] {
  const { plan: _plan, steps, ...record } = run;
  return [
    { type: 'run', run: record },
    ...steps.flatMap((step): WorkflowProgress[] => [
      { type: 'step', step },
      ...(step.logs ? [{ type: 'log' as const, seq: step.seq, stepId: step.stepId, text: step.logs }] : []),
    ]),
  ];
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
