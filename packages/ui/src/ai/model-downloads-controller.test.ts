import {
  ErrorCode,
  type ModelsPullProgress,
  type ModelsPullResult,
  PaError,
  ProviderView,
  type Recommendation,
  type RpcStream,
} from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import { formatBytes, formatEta, ModelDownloadsController } from './model-downloads-controller';

const ENTRY: Recommendation = {
  id: 'coder',
  title: 'Coder',
  source: 'hf:org/coder-GGUF/coder.gguf',
  fileName: 'coder.gguf',
  sizeBytes: 500_000_000,
  parameters: '0.5B',
  licence: 'Apache-2.0',
  purpose: ['completion'],
  description: 'small',
  moe: false,
  fit: {
    fits: true,
    score: null,
    gpuLayers: 0,
    totalLayers: null,
    contextSize: 8192,
    ramBytes: 1,
    vramBytes: 0,
    basis: 'size',
  },
  downloadedPath: null,
  partialBytes: 0,
  recommended: true,
};

const ITEM: ModelsPullProgress = {
  phase: 'downloading',
  fileName: 'coder.gguf',
  downloadedBytes: 100,
  totalBytes: 400,
  resumedFromBytes: 0,
  bytesPerSecond: 50,
  etaSeconds: 6,
};

/** A models.pull stream the test drives: items pushed one by one, then an end (a result or an error). */
function scriptedStream(): {
  stream: RpcStream<ModelsPullProgress, ModelsPullResult>;
  push(item: ModelsPullProgress): void;
  end(result: ModelsPullResult | PaError): void;
} {
  const queue: ModelsPullProgress[] = [];
  let wake: (() => void) | null = null;
  let ending: ModelsPullResult | PaError | null = null;
  let settle: { resolve(value: ModelsPullResult): void; reject(error: unknown): void } | null = null;
  const result = new Promise<ModelsPullResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  const stream: RpcStream<ModelsPullProgress, ModelsPullResult> = {
    result,
    cancel() {},
    async *[Symbol.asyncIterator](): AsyncGenerator<ModelsPullProgress, undefined, undefined> {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (ending instanceof PaError) throw ending;
        if (ending) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
  return {
    stream,
    push(item) {
      queue.push(item);
      wake?.();
    },
    end(value) {
      ending = value;
      if (value instanceof PaError) settle?.reject(value);
      else settle?.resolve(value);
      wake?.();
    },
  };
}

function setup() {
  const engine = new FakeEngine();
  engine.answer('models.recommend', async () => ({
    hardware: {
      ramBytes: 8e9,
      freeRamBytes: 4e9,
      gpu: false as const,
      vramBytes: 0,
      freeVramBytes: 0,
      freeDiskBytes: 1e11,
    },
    dir: '/data/models',
    entries: [ENTRY],
  }));
  engine.answer('models.list', async () => ({ dir: '/data/models', models: [] }));
  engine.answer('models.cancel', async () => ({ cancelled: true }));
  engine.answer('ai.providers.add', async (params) => ({
    provider: ProviderView.parse({
      id: params.id,
      kind: params.kind,
      modelClass: params.modelClass,
      model: params.model,
      hasApiKey: false,
      circuit: 'closed',
      licensed: true,
    }),
  }));
  const scripted = scriptedStream();
  const streams: unknown[] = [];
  (engine.client as { stream: unknown }).stream = (method: string, params: unknown) => {
    streams.push({ method, params });
    return scripted.stream;
  };
  let providersChanged = 0;
  const controller = new ModelDownloadsController({ client: engine.client, notify: () => {} }, () => {
    providersChanged++;
  });
  return { engine, controller, scripted, streams, providersChanged: () => providersChanged };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ModelDownloadsController', () => {
  it('shows the catalog and the machine, then a download with its progress until it is done', async () => {
    const { controller, scripted, streams, engine } = setup();
    await controller.refresh();
    expect(controller.state.value.catalog.map((entry) => entry.id)).toEqual(['coder']);
    expect(controller.state.value.hardware?.gpu).toBe(false);
    expect(engine.calls.find((call) => call.method === 'models.recommend')?.params).toBeUndefined();
    await controller.refresh(true);
    expect(engine.calls.filter((call) => call.method === 'models.recommend').at(-1)?.params).toEqual({ inspect: true });
    expect(controller.state.value.checking).toBe(false);

    const done = controller.download(` ${ENTRY.source} `);
    expect(streams).toEqual([{ method: 'models.pull', params: { source: ENTRY.source } }]);
    scripted.push(ITEM);
    await settle();
    expect(controller.state.value.downloads[ENTRY.source]).toMatchObject({ status: 'downloading', progress: ITEM });
    // a second click while it runs starts nothing
    await controller.download(ENTRY.source);
    expect(streams).toHaveLength(1);
    scripted.end({
      path: '/data/models/coder.gguf',
      fileName: 'coder.gguf',
      sizeBytes: 400,
      sha256: null,
      resumedFromBytes: 0,
      alreadyPresent: false,
      header: {
        architecture: 'qwen2',
        name: null,
        fileType: 'Q8_0',
        trainContextSize: null,
        layers: null,
        parameters: null,
        fim: true,
      },
    });
    await done;
    expect(controller.state.value.downloads[ENTRY.source]).toMatchObject({
      status: 'done',
      path: '/data/models/coder.gguf',
    });
  });

  it('a cancel says Resume continues; a failure keeps the engine’s words', async () => {
    const cancelled = setup();
    const first = cancelled.controller.download(ENTRY.source);
    await cancelled.controller.cancel(ENTRY.source);
    expect(cancelled.engine.calls.at(-1)).toEqual({ method: 'models.cancel', params: { source: ENTRY.source } });
    cancelled.scripted.end(new PaError(ErrorCode.CANCELLED, 'The download was cancelled; pull it again to resume.'));
    await first;
    expect(cancelled.controller.state.value.downloads[ENTRY.source]).toMatchObject({
      status: 'cancelled',
      message: 'Cancelled. Resume continues where it stopped.',
    });

    const failed = setup();
    const second = failed.controller.download(ENTRY.source);
    failed.scripted.end(
      new PaError(ErrorCode.TOO_LARGE, 'The model needs 8 GB and /data has 2 GB free; free some space.'),
    );
    await second;
    expect(failed.controller.state.value.downloads[ENTRY.source]).toMatchObject({
      status: 'failed',
      message: 'The model needs 8 GB and /data has 2 GB free; free some space.',
    });
  });

  it('Use for completion / chat points one local provider per purpose at the file', async () => {
    const { controller, engine, providersChanged } = setup();
    await controller.use('/data/models/coder.gguf', 'completion');
    await controller.use('/data/models/chat.gguf', 'chat');
    const added = engine.calls.filter((call) => call.method === 'ai.providers.add').map((call) => call.params);
    expect(added).toEqual([
      {
        id: 'local-completion',
        kind: 'local',
        modelClass: 'local',
        model: 'coder',
        modelPath: '/data/models/coder.gguf',
        tasks: ['completion'],
      },
      {
        id: 'local-chat',
        kind: 'local',
        modelClass: 'local',
        model: 'chat',
        modelPath: '/data/models/chat.gguf',
        tasks: ['chat', 'explain', 'commit-message', 'code-edit'],
      },
    ]);
    expect(providersChanged()).toBe(2);
    expect(controller.state.value.used).toBe('chat now answers chat (local-chat).');
  });

  it('formats sizes and times for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_650_000_000)).toBe('1.6 GB');
    expect(formatBytes(25_165_824)).toBe('25 MB');
    expect(formatEta(null)).toBe('–');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(125)).toBe('2 min 05 s');
    expect(formatEta(7_260)).toBe('2 h 01 min');
  });
});
