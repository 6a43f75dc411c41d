// The Models view's model manager outside React: the curated catalog with what fits this machine, the GGUF files in
// the models folder, downloads in flight (models.pull's progress: bytes, rate, ETA), cancel and resume (a pull of
// the same source continues the partial file), and "Use for completion / chat", which points a local provider at
// the file (ai.providers.add with its modelPath, as a hand-made local provider is).
import {
  errorMessage,
  type Hardware,
  type ModelFile,
  type ModelsPullProgress,
  PaError,
  type Recommendation,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

export type DownloadStatus = 'downloading' | 'cancelling' | 'cancelled' | 'failed' | 'done';

export interface DownloadState {
  source: string;
  status: DownloadStatus;
  progress: ModelsPullProgress | null;
  /** What went wrong and what to do next (the engine's message), when failed or cancelled. */
  message: string | null;
  path: string | null;
}

export interface ModelDownloadsState {
  hardware: Hardware | null;
  dir: string | null;
  catalog: Recommendation[];
  files: ModelFile[];
  downloads: Readonly<Record<string, DownloadState>>;
  error: string | null;
  /** What the last "Use for …" did, or why it failed. */
  used: string | null;
  /** The catalog's real headers are being read. */
  checking: boolean;
}

export type ModelDownloadsApi = Pick<WorkbenchApi, 'client' | 'notify'>;

export type UsePurpose = 'completion' | 'chat';

/** The provider a downloaded model becomes: one local provider per purpose, replaced by the next "Use". */
export const USE_PROVIDERS: Record<
  UsePurpose,
  { id: string; tasks: ('completion' | 'chat' | 'explain' | 'commit-message' | 'code-edit')[] }
> = {
  completion: { id: 'local-completion', tasks: ['completion'] },
  chat: { id: 'local-chat', tasks: ['chat', 'explain', 'commit-message', 'code-edit'] },
};

export class ModelDownloadsController {
  readonly state = new Observable<ModelDownloadsState>({
    hardware: null,
    dir: null,
    catalog: [],
    files: [],
    downloads: {},
    error: null,
    used: null,
    checking: false,
  });
  private disposed = false;

  constructor(
    private readonly api: ModelDownloadsApi,
    /** Called after a provider was set (the providers list refreshes). */
    private readonly onProvidersChanged: () => void = () => {},
  ) {}

  /** `inspect`: read the catalog models' real headers (a few range requests each) for node-llama-cpp's fit. */
  async refresh(inspect = false): Promise<void> {
    if (inspect) this.patch({ checking: true });
    try {
      const [recommended, listed] = await Promise.all([
        this.api.client.call('models.recommend', inspect ? { inspect: true } : undefined),
        this.api.client.call('models.list'),
      ]);
      this.patch({
        hardware: recommended.hardware,
        dir: listed.dir,
        catalog: recommended.entries,
        files: listed.models,
        error: null,
      });
    } catch (error) {
      this.patch({ error: errorMessage(error) });
    }
    if (inspect) this.patch({ checking: false });
  }

  /** Starts (or resumes) a download; resolves when it ends, however it ends. */
  async download(source: string): Promise<void> {
    const trimmed = source.trim();
    if (!trimmed) return;
    if (this.state.value.downloads[trimmed]?.status === 'downloading') return;
    this.setDownload(trimmed, { source: trimmed, status: 'downloading', progress: null, message: null, path: null });
    try {
      const stream = this.api.client.stream('models.pull', { source: trimmed });
      for await (const item of stream) this.updateDownload(trimmed, { progress: item });
      const result = await stream.result;
      this.updateDownload(trimmed, { status: 'done', path: result.path, message: null });
    } catch (error) {
      const cancelled = error instanceof PaError && error.code === 'E_CANCELLED';
      this.updateDownload(trimmed, {
        status: cancelled ? 'cancelled' : 'failed',
        message: cancelled ? 'Cancelled. Resume continues where it stopped.' : errorMessage(error),
      });
    }
    await this.refresh();
  }

  async cancel(source: string): Promise<void> {
    this.updateDownload(source, { status: 'cancelling' });
    try {
      await this.api.client.call('models.cancel', { source });
    } catch (error) {
      this.updateDownload(source, { status: 'downloading', message: errorMessage(error) });
    }
  }

  /** Points the local provider of `purpose` at the file. */
  async use(path: string, purpose: UsePurpose): Promise<void> {
    const { id, tasks } = USE_PROVIDERS[purpose];
    const model = (path.split(/[\\/]/).pop() ?? path).replace(/\.gguf$/i, '');
    try {
      await this.api.client.call('ai.providers.add', {
        id,
        kind: 'local',
        modelClass: 'local',
        model,
        modelPath: path,
        tasks,
      });
      this.patch({ used: `${model} now answers ${purpose === 'completion' ? 'code completion' : 'chat'} (${id}).` });
      this.onProvidersChanged();
    } catch (error) {
      this.patch({ used: `Could not use ${model}: ${errorMessage(error)}` });
    }
  }

  dispose(): void {
    this.disposed = true;
  }

  private setDownload(source: string, download: DownloadState): void {
    this.patch({ downloads: { ...this.state.value.downloads, [source]: download } });
  }

  private updateDownload(source: string, change: Partial<DownloadState>): void {
    const current = this.state.value.downloads[source];
    if (current) this.setDownload(source, { ...current, ...change });
  }

  private patch(change: Partial<ModelDownloadsState>): void {
    if (!this.disposed) this.state.set({ ...this.state.value, ...change });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
