// Previews as editors in tabs: a Markdown file rendered live as it is typed (markdown.preview) and images
// (image.preview, which the workbench opens instead of a "binary file" tab: controller.openFile → isImagePath).
import type { Contribution, WorkbenchApi } from '../workbench/contributions';
import { lazyComponent } from '../workbench/lazy';
import { isMarkdownPath } from './image-types';

// the views (and their marked/DOMPurify use and CSS) load when a preview tab first shows
const MarkdownPreview = lazyComponent('Markdown Preview', () =>
  import('./MarkdownPreview').then((module) => module.MarkdownPreview),
);
const ImagePreview = lazyComponent('Image Preview', () =>
  import('./ImagePreview').then((module) => module.ImagePreview),
);

export { isImagePath } from './image-types';

export const MARKDOWN_PREVIEW = 'markdown.preview';
export const IMAGE_PREVIEW = 'image.preview';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** An open book. */
const PREVIEW_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.2"><path d="M8 4.2C6.6 3.2 4.6 2.9 2 3v9c2.6-.1 4.6.2 6 1.2 1.4-1 3.4-1.3 6-1.2V3c-2.6-.1-4.6.2-6 1.2zM8 4.2v9"/></svg>';
/** A picture: a frame with a hill and the sun. */
const IMAGE_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.2"><rect x="2" y="3" width="12" height="10" rx="1"/><path d="M2.5 11.5l3.5-3.5 3 3 2-2 2.5 2.5"/><circle cx="10.5" cy="6" r="1.1"/></svg>';

function openMarkdownPreview(api: WorkbenchApi): void {
  const path = api.activeFile();
  if (!path || !isMarkdownPath(path)) {
    api.notify('Open a Markdown file first to preview it.', 'warning');
    return;
  }
  api.openEditor(MARKDOWN_PREVIEW, path);
}

/**
 * Beside the Markdown file: Split Editor Right shows the file in a new group (which becomes the active one), the
 * preview opens there. (VS Code binds Ctrl+K V; the workbench's key bindings have no chords yet.)
 */
function openMarkdownPreviewToSide(api: WorkbenchApi): void {
  const path = api.activeFile();
  if (!path || !isMarkdownPath(path)) {
    api.notify('Open a Markdown file first to preview it.', 'warning');
    return;
  }
  api.runCommand('workbench.splitEditorRight');
  api.openEditor(MARKDOWN_PREVIEW, path);
}

export function previewFeature(): Contribution {
  return {
    id: 'preview',
    editors: [
      {
        id: MARKDOWN_PREVIEW,
        title: (resource) => `Preview ${baseName(resource)}`,
        icon: PREVIEW_ICON,
        component: MarkdownPreview,
      },
      { id: IMAGE_PREVIEW, title: baseName, icon: IMAGE_ICON, component: ImagePreview },
    ],
    commands: [
      {
        id: 'markdown.showPreview',
        title: 'Markdown: Open Preview',
        keybinding: 'Mod+Shift+V',
        run: openMarkdownPreview,
      },
      { id: 'markdown.showPreviewToSide', title: 'Markdown: Open Preview to the Side', run: openMarkdownPreviewToSide },
    ],
  };
}
