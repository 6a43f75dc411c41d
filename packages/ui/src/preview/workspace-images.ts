// Workspace images as blob URLs, read through the files capability (files.readBytes: confined to the workspace,
// capped in size). A blob URL is the page's own: an <img> shows it without a request to any server, and an SVG
// shown through <img> is an image, its scripts never run.
import type { Disposable, EngineClient } from '@pa/shared';
import { imageType } from './image-types';

export interface LoadedImage {
  url: string;
  size: number;
  mtimeMs: number;
}

export class WorkspaceImages implements Disposable {
  private readonly loaded = new Map<string, Promise<LoadedImage>>();
  private disposed = false;

  constructor(private readonly client: EngineClient) {}

  /** The image at `path` (cached until forgotten); rejects with the engine's error (E_TOO_LARGE, E_NOT_FOUND). */
  load(path: string): Promise<LoadedImage> {
    const cached = this.loaded.get(path);
    if (cached) return cached;
    const loading = this.client.call('files.readBytes', { path }).then((read) => {
      const bytes = Uint8Array.from(atob(read.base64), (char) => char.charCodeAt(0));
      const blob = new Blob([bytes], { type: imageType(path) ?? 'application/octet-stream' });
      const url = URL.createObjectURL(blob);
      if (this.disposed) URL.revokeObjectURL(url);
      return { url, size: read.size, mtimeMs: read.mtimeMs };
    });
    this.loaded.set(path, loading);
    loading.catch(() => this.loaded.delete(path));
    return loading;
  }

  /** Drops an image that changed on disk; the next load reads it again. */
  forget(path: string): void {
    const cached = this.loaded.get(path);
    if (!cached) return;
    this.loaded.delete(path);
    void cached.then((image) => URL.revokeObjectURL(image.url)).catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const path of [...this.loaded.keys()]) this.forget(path);
  }
}
