// One image preview tab: the image's bytes through the files capability (as a blob URL), read again when it changes
// on disk, its natural size once the <img> decoded it, and the zoom (fit to the editor, or a scale).
import { type Disposable, DisposableStore, errorMessage } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { WorkspaceImages } from './workspace-images';

export type Zoom = 'fit' | number;

export interface ImagePreviewState {
  url: string | null;
  size: number;
  /** The decoded image's pixels, null until it decoded. */
  dimensions: { width: number; height: number } | null;
  zoom: Zoom;
  error: string | null;
}

/** The scales zooming in and out steps through, as VS Code's image preview has them. */
export const ZOOM_STEPS = [0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 20];

export class ImagePreviewController implements Disposable {
  readonly state = new Observable<ImagePreviewState>({
    url: null,
    size: 0,
    dimensions: null,
    zoom: 'fit',
    error: null,
  });
  private readonly images: WorkspaceImages;
  private readonly subscriptions = new DisposableStore();
  private disposed = false;

  constructor(
    api: WorkbenchApi,
    readonly path: string,
  ) {
    this.images = this.subscriptions.add(new WorkspaceImages(api.client));
    this.subscriptions.add(
      api.client.on('files.changed', ({ changes }) => {
        if (!changes.some((change) => change.path === path)) return;
        this.images.forget(path);
        void this.load();
      }),
    );
    void this.load();
  }

  decoded(width: number, height: number): void {
    this.patch({ dimensions: { width, height } });
  }

  setZoom(zoom: Zoom): void {
    this.patch({ zoom: typeof zoom === 'number' ? Math.min(Math.max(zoom, ZOOM_STEPS[0] ?? 0.1), 20) : zoom });
  }

  /** One step in (+1) or out (-1) from the current scale (`fitScale`: what 'fit' shows now). */
  step(direction: 1 | -1, fitScale: number): void {
    const current = this.state.value.zoom === 'fit' ? fitScale : this.state.value.zoom;
    const next =
      direction > 0
        ? ZOOM_STEPS.find((scale) => scale > current + 1e-6)
        : [...ZOOM_STEPS].reverse().find((scale) => scale < current - 1e-6);
    if (next !== undefined) this.setZoom(next);
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  private async load(): Promise<void> {
    try {
      const image = await this.images.load(this.path);
      if (!this.disposed) this.patch({ url: image.url, size: image.size, error: null });
    } catch (error) {
      if (!this.disposed) this.patch({ url: null, error: errorMessage(error) });
    }
  }

  private patch(change: Partial<ImagePreviewState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
