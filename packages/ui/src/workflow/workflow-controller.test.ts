import {
  ClientStream,
  type EngineClient,
  ErrorCode,
  PaError,
  type RunDetail,
  type RunRecord,
  type StepRecord,
  type StreamOptions,
  toDisposable,
  type WorkflowProgress,
  type WorkspaceInfo,
} from '@pa/shared';
import { runRecord, stepRecord } from '@pa/shared/testing/workflow-records';
import { describe, expect, it, vi } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import { WorkflowController } from './workflow-controller';

const record = runRecord();
const detail = (run: Partial<RunRecord> = {}, steps: StepRecord[] = []): RunDetail => ({
  ...record,
  ...run,
  plan: [{ id: 'a', name: 'A', kind: 'run', depth: 0 }],
  steps,
});
const step = (state: StepRecord['state'], logs = ''): StepRecord => stepRecord({ state, logs });

/** One workflow.attach the controller opened: the test feeds it items and ends it like the engine would. */
interface OpenedStream {
  params: unknown;
  stream: ClientStream<WorkflowProgress, RunRecord>;
  cancelled: boolean;
  push(...items: WorkflowProgress[]): void;
}

function setup() {
  const engine = new FakeEngine();
  const opened: OpenedStream[] = [];
  const stream = ((_method: string, params: unknown, options?: StreamOptions) => {
    const entry = { params, cancelled: false } as OpenedStream;
    entry.stream = new ClientStream<WorkflowProgress, RunRecord>({
      method: 'workflow.attach',
      parseItem: (raw) => ({ success: true, data: raw as WorkflowProgress }),
      parseResult: (raw) => ({ success: true, data: raw as RunRecord }),
      send: (frame) => {
        if ('cancel' in frame) entry.cancelled = true;
      },
      forget: () => {},
      signal: options?.signal,
    });
    entry.push = (...items) => entry.stream.receive(items);
    opened.push(entry);
    return entry.stream;
  }) as EngineClient['stream'];
  const client: EngineClient = { ...engine.client, stream };
  const workspaceListeners = new Set<(workspace: WorkspaceInfo | null) => void>();
  const controller = new WorkflowController({
    client,
    onDidChangeWorkspace: (listener) => {
      workspaceListeners.add(listener);
      return toDisposable(() => workspaceListeners.delete(listener));
    },
  });
  engine.answer('workflow.list', () => ({ workflows: [] }));
  engine.answer('workflow.runs', () => ({ runs: [] }));
  engine.answer('workflow.active', () => ({ runs: [] }));
  /** The stream opened n-th (from 1), once the controller has opened it. */
  const attached = async (n: number): Promise<OpenedStream> => {
    await vi.waitFor(() => expect(opened.length).toBeGreaterThanOrEqual(n));
    return opened[n - 1] as OpenedStream;
  };
  return { engine, controller, opened, attached, workspaceListeners };
}

describe('WorkflowController', () => {
  it('shows a started run from its snapshot, applies its progress, and reads the history again when it ends', async () => {
    const { engine, controller, attached } = setup();
    engine.answer('workflow.run', () => ({ runId: 'r1' }));
    const starting = controller.run('demo', { who: 'world' });
    const attach = await attached(1);
    expect(attach.params).toEqual({ runId: 'r1' });
    attach.push({ type: 'snapshot', run: detail({ state: 'queued' }) });
    await starting;
    expect(controller.state.value.run?.state).toBe('queued');

    attach.push(
      { type: 'run', run: { ...record, state: 'running' } },
      { type: 'step', step: step('running') },
      { type: 'log', seq: 0, stepId: 'a', text: 'hello ' },
      { type: 'log', seq: 0, stepId: 'a', text: 'world\n' },
    );
    await vi.waitFor(() => expect(controller.state.value.run?.steps[0]?.logs).toBe('hello world\n'));
    const listsBefore = engine.methods().filter((method) => method === 'workflow.runs').length;
    attach.stream.end({ ...record, state: 'succeeded', finishedAt: 9 });
    await vi.waitFor(() => expect(controller.state.value.run?.state).toBe('succeeded'));
    await vi.waitFor(() =>
      expect(engine.methods().filter((method) => method === 'workflow.runs').length).toBe(listsBefore + 1),
    );
    expect(engine.calls.find((call) => call.method === 'workflow.run')?.params).toEqual({
      name: 'demo',
      inputs: { who: 'world' },
    });
  });

  it('asks for trust when the engine refuses an untrusted folder, and retries the start once trusted', async () => {
    const { engine, controller, attached } = setup();
    const items = [{ step: 'tests', name: 'tests', kind: 'run' as const, what: 'runs npm test' }];
    let trusted = false;
    engine.answer('workflow.run', () => {
      if (!trusted) throw new PaError(ErrorCode.UNAUTHORIZED, 'Trust the workspace first.', { trustNeeded: items });
      return { runId: 'r1' };
    });
    engine.answer('workflow.trust.get', () => ({ root: '/ws', trusted }));
    engine.answer('workflow.trust.set', (params) => {
      trusted = params.trusted;
      return { root: '/ws', trusted };
    });
    await controller.run('demo', {});
    expect(controller.state.value.trustRequest).toEqual({ workflow: 'demo', root: '/ws', items });
    expect(controller.state.value.error).toBeNull();

    const retried = controller.decideTrust(true);
    expect(controller.state.value.trustRequest).toBeNull();
    (await attached(1)).push({ type: 'snapshot', run: detail() });
    await retried;
    expect(trusted).toBe(true);
    expect(controller.state.value.run?.id).toBe('r1');
  });

  it('shows a refused start’s reason, and a declined trust question starts nothing', async () => {
    const { engine, controller, opened } = setup();
    engine.answer('workflow.run', () => {
      throw new PaError(ErrorCode.QUOTA, 'No workflow runs left this month.');
    });
    await controller.run('demo', {});
    expect(controller.state.value.error).toBe('No workflow runs left this month.');
    await controller.decideTrust(false);
    expect(opened).toHaveLength(0);
  });

  it('follows the run on screen again after the connection dropped and came back', async () => {
    const { engine, controller, attached } = setup();
    const opening = controller.attach('r1');
    const first = await attached(1);
    first.push({ type: 'snapshot', run: detail({ state: 'waiting' }) });
    await opening;
    first.stream.fail(new PaError(ErrorCode.UNAVAILABLE, 'The connection to the engine closed.'));
    await new Promise((resolve) => setTimeout(resolve)); // the controller's loop hears of it on a later turn
    expect(controller.state.value.error).toBeNull();
    expect(controller.state.value.run?.state).toBe('waiting');

    void controller.connected();
    const second = await attached(2);
    expect(second.params).toEqual({ runId: 'r1' });
    second.push({ type: 'snapshot', run: detail({ state: 'running' }, [step('succeeded', 'done\n')]) });
    await vi.waitFor(() => expect(controller.state.value.run?.state).toBe('running'));
    expect(controller.state.value.run?.steps[0]?.logs).toBe('done\n');
    // already following it: another connected() (the view shown again) opens nothing more
    await controller.connected();
    expect(engine.methods()).not.toContain('workflow.active');
  });

  it('shows the newest run in progress when it connects with no run on screen, and leaves a finished one alone', async () => {
    const { engine, controller, attached, opened } = setup();
    engine.answer('workflow.active', () => ({
      runs: [
        { ...record, id: 'old' },
        { ...record, id: 'new' },
      ],
    }));
    const connecting = controller.connected();
    const attach = await attached(1);
    expect(attach.params).toEqual({ runId: 'new' });
    attach.push({ type: 'snapshot', run: detail({ id: 'new' }) });
    await connecting;
    attach.stream.end({ ...record, id: 'new', state: 'failed' });
    await vi.waitFor(() => expect(controller.state.value.run?.state).toBe('failed'));

    await controller.connected();
    expect(opened).toHaveLength(1);
    expect(controller.state.value.run?.id).toBe('new');
  });

  it('shows a run that is in progress in another engine as stored', async () => {
    const { engine, controller, attached } = setup();
    engine.answer('workflow.run.get', () => detail({ id: 'cli-run' }));
    const opening = controller.attach('cli-run');
    (await attached(1)).stream.fail(new PaError(ErrorCode.NOT_FOUND, 'Run cli-run is not in progress here.'));
    await opening;
    await vi.waitFor(() => expect(controller.state.value.run?.id).toBe('cli-run'));
    expect(controller.state.value.error).toBeNull();
  });

  it('stops following when the user goes back to the list or opens another run; the run itself is not cancelled', async () => {
    const { engine, controller, attached } = setup();
    const opening = controller.attach('r1');
    const first = await attached(1);
    first.push({ type: 'snapshot', run: detail() });
    await opening;

    const other = controller.attach('r2');
    expect(first.cancelled).toBe(true);
    const second = await attached(2);
    second.push({ type: 'snapshot', run: detail({ id: 'r2', state: 'waiting' }) });
    await other;
    expect(controller.state.value.run?.id).toBe('r2');

    controller.close();
    expect(second.cancelled).toBe(true);
    expect(controller.state.value.run).toBeNull();
    expect(engine.methods()).not.toContain('workflow.cancel');
  });

  it('cancels and approves the run on screen, and reports a refusal', async () => {
    const { engine, controller, attached } = setup();
    engine.answer('workflow.cancel', () => ({ ok: true }) as const);
    engine.answer('workflow.approve', () => {
      throw new PaError(ErrorCode.NOT_FOUND, 'Step "ok" of run r1 is not waiting for approval.');
    });
    const opening = controller.attach('r1');
    (await attached(1)).push({ type: 'snapshot', run: detail() });
    await opening;
    await controller.approve('ok', true);
    expect(controller.state.value.error).toMatch(/not waiting for approval/);
    await controller.cancel();
    expect(engine.calls.filter((call) => call.method !== 'workflow.runs' && call.method !== 'workflow.list')).toEqual([
      { method: 'workflow.approve', params: { runId: 'r1', stepId: 'ok', approved: true } },
      { method: 'workflow.cancel', params: { runId: 'r1' } },
    ]);
  });

  it('reads the lists again when the license or the folder changes, and lets go of everything on dispose', async () => {
    const { engine, controller, attached, workspaceListeners } = setup();
    const opening = controller.attach('r1');
    const attach = await attached(1);
    attach.push({ type: 'snapshot', run: detail() });
    await opening;
    engine.emit('license.changed', {} as never); // the controller reads the list again; the status itself is not used
    for (const listener of workspaceListeners) listener(null);
    await vi.waitFor(() => expect(engine.methods().filter((method) => method === 'workflow.list')).toHaveLength(2));

    controller.dispose();
    expect(attach.cancelled).toBe(true);
    expect(engine.listenerCount('license.changed')).toBe(0);
    expect(workspaceListeners.size).toBe(0);
  });
});
