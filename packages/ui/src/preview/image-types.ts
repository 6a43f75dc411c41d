// The image formats the editor shows in the image preview instead of a "binary file" tab, by extension.

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
};

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The MIME type of an image path, or null when the preview does not show it. */
export function imageType(path: string): string | null {
  return IMAGE_TYPES[extensionOf(path)] ?? null;
}

export const isImagePath = (path: string): boolean => imageType(path) !== null;

export const isMarkdownPath = (path: string): boolean => ['md', 'markdown', 'mdown', 'mkd'].includes(extensionOf(path));

/** "1.5 MB" as the status bar and the image header write sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
