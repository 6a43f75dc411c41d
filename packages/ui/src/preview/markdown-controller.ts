// One Markdown preview tab: the file's text — the open model's while its tab is open (so it follows every
// keystroke), else the file read through the files capability and read again when it changes on disk — rendered to
// sanitised HTML (markdown-html.ts); links open workspace files, images load through WorkspaceImages.
import { type Disposable, DisposableStore, errorMessage } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { markdownPreviewHtml, resolveWorkspaceLink } from './markdown-html';
import { WorkspaceImages } from './workspace-images';

export interface MarkdownPreviewState {
  html: string;
  /** Why the file could not be read, or null. */
  error: string | null;
  loading: boolean;
}

/** Keystrokes closer together than this render once. */
const RENDER_DELAY_MS = 60;

export class MarkdownPreviewController implements Disposable {
  readonly state = new Observable<MarkdownPreviewState>({ html: '', error: null, loading: true });
  readonly images: WorkspaceImages;
  private readonly subscriptions = new DisposableStore();
  private modelSubscriptions: Disposable[] = [];
  private pending: ReturnType<typeof setTimeout> | null = null;
  private model: monaco.editor.ITextModel | null = null;
  private disposed = false;

  constructor(
    private readonly api: WorkbenchApi,
    readonly path: string,
  ) {
    this.images = new WorkspaceImages(api.client);
    this.subscriptions.add(this.images);
    this.subscriptions.defer(() => this.unfollow());
    this.subscriptions.defer(() => {
      if (this.pending) clearTimeout(this.pending);
    });
    this.subscriptions.add(
      api.onDidOpenModel((opened, model) => {
        if (opened === path) this.follow(model);
      }),
    );
    this.subscriptions.add(
      api.client.on('files.changed', ({ changes }) => {
        for (const change of changes) {
          const image = resolveWorkspaceLink(path, `/${change.path}`);
          if (image) this.images.forget(image);
        }
        if (!this.model && changes.some((change) => change.path === path)) void this.readFromDisk();
      }),
    );
    const open = api.model(path);
    if (open) this.follow(open);
    else void this.readFromDisk();
  }

  /** A click on a rewritten relative link: the workspace file it names, opened in the editor. */
  openLink(href: string): void {
    if (href.startsWith('#')) return;
    const target = resolveWorkspaceLink(this.path, href);
    if (!target) {
      this.api.notify(`"${href.slice(0, 200)}" is outside the workspace; the preview opens only workspace files.`);
      return;
    }
    void this.api.openFile(target);
  }

  /** The workspace path a relative image of this file names, or null when it leaves the workspace. */
  imagePath(src: string): string | null {
    return resolveWorkspaceLink(this.path, src);
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  private follow(model: monaco.editor.ITextModel): void {
    this.unfollow();
    this.model = model;
    this.modelSubscriptions = [
      model.onDidChangeContent(() => this.schedule()),
      model.onWillDispose(() => {
        // the tab closed: the file on disk is what the preview shows from now on
        this.unfollow();
        void this.readFromDisk();
      }),
    ];
    this.render(model.getValue());
  }

  private unfollow(): void {
    for (const subscription of this.modelSubscriptions.splice(0)) subscription.dispose();
    this.model = null;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (this.model) this.render(this.model.getValue());
    }, RENDER_DELAY_MS);
  }

  private render(text: string): void {
    if (this.disposed) return;
    this.state.set({ html: markdownPreviewHtml(text), error: null, loading: false });
  }

  private async readFromDisk(): Promise<void> {
    try {
      const file = await this.api.client.call('files.read', { path: this.path });
      if (this.model || this.disposed) return; // the tab opened meanwhile: its model is newer
      if (file.binary) this.state.set({ html: '', error: `${this.path} is not a text file.`, loading: false });
      else this.render(file.content);
    } catch (error) {
      if (!this.disposed) this.state.set({ html: '', error: errorMessage(error), loading: false });
    }
  }
}
