// The Source Control view's behaviour outside React: the repository's status (read again when files or the
// repository change), the commit message, stage / unstage / discard per file and per hunk, commit and amend, the AI
// commit message (the commit workflow's prompt over ai.chat), branches, and fetch / pull / push with their progress.
import {
  type Disposable,
  DisposableStore,
  errorMessage,
  type GitBranch,
  type GitChange,
  type GitProgress,
  type GitStatus,
  isAbortError,
} from '@pa/shared';
import { closeDiffEditor, openDiffEditor } from '../editor/diff-editor-slot';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { COMMIT_MESSAGE_PROMPT, groupsOf, hunkAt } from './groups';

export { COMMIT_MESSAGE_PROMPT, groupsOf, hunkAt, letterOf, type ScmGroups } from './groups';

export interface ScmState {
  /** null until read the first time. */
  status: GitStatus | null;
  message: string;
  /** The action under way ('commit', 'push', …): the view disables the others. */
  busy: string | null;
  /** The latest progress line of a fetch / pull / push. */
  progress: GitProgress | null;
  generating: boolean;
  error: string | null;
}

export type ScmApi = Pick<
  WorkbenchApi,
  'client' | 'notify' | 'confirm' | 'openFile' | 'model' | 'onDidChangeWorkspace' | 'saveFile'
> & {
  /** The settings snapshot says when the workspace's trust changed (from any window): the status is read again. */
  settings?: Pick<WorkbenchApi['settings'], 'snapshot'>;
};

export class ScmController implements Disposable {
  readonly state = new Observable<ScmState>({
    status: null,
    message: '',
    busy: null,
    progress: null,
    generating: false,
    error: null,
  });
  private readonly subscriptions = new DisposableStore();
  private reading: Promise<void> | null = null;
  private again = false;
  private generation: AbortController | null = null;
  private disposed = false;

  constructor(private readonly api: ScmApi) {
    this.subscriptions.add(api.client.on('files.changed', () => void this.refresh()));
    this.subscriptions.add(api.client.on('git.changed', () => void this.refresh()));
    this.subscriptions.add(api.onDidChangeWorkspace(() => void this.refresh()));
    const settings = api.settings?.snapshot;
    if (settings) {
      let trusted = settings.value?.trusted;
      this.subscriptions.defer(
        settings.subscribe(() => {
          const next = settings.value?.trusted;
          if (next === trusted) return;
          trusted = next;
          void this.refresh(); // trusted elsewhere: the banner goes and git runs with the repository's config
        }),
      );
    }
    void this.refresh();
  }

  private patch(change: Partial<ScmState>): void {
    if (!this.disposed) this.state.set({ ...this.state.value, ...change });
  }

  /** Reads the status again; calls while one is in flight fold into one more read after it. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          const status = await this.api.client.call('git.status', {});
          this.patch({ status });
        } catch {
          // no folder open, or the engine is reconnecting: nothing to show; the next event reads it again
          this.patch({ status: { repository: false } });
        }
      } while (this.again && !this.disposed);
      this.reading = null;
    })();
    return this.reading;
  }

  setMessage(message: string): void {
    this.patch({ message });
  }

  /** Runs an action, shows git's own text in a toast when it fails, and reads the status after. */
  private async act(name: string, action: () => Promise<unknown>): Promise<boolean> {
    if (this.state.value.busy) return false;
    this.patch({ busy: name, error: null });
    try {
      await action();
      return true;
    } catch (error) {
      const text = errorMessage(error);
      this.patch({ error: text });
      this.api.notify(text, 'error');
      return false;
    } finally {
      this.patch({ busy: null, progress: null });
      await this.refresh();
    }
  }

  stage(paths: string[]): Promise<boolean> {
    return this.act('stage', () => this.api.client.call('git.stage', { paths }));
  }

  unstage(paths: string[]): Promise<boolean> {
    return this.act('unstage', () => this.api.client.call('git.unstage', { paths }));
  }

  async discard(changes: GitChange[]): Promise<boolean> {
    const untracked = changes.every((change) => change.kind === 'untracked');
    const names = changes.length === 1 ? `"${changes[0]?.path}"` : `${changes.length} files`;
    const answer = await this.api.confirm({
      title: untracked ? `Delete ${names}?` : `Discard the changes in ${names}?`,
      message: untracked
        ? 'This file is not tracked by git: it will be deleted and cannot be restored.'
        : 'Your changes will be lost. This cannot be undone.',
      buttons: [
        { id: 'discard', label: untracked ? 'Delete File' : 'Discard Changes', variant: 'danger' },
        { id: 'cancel', label: 'Cancel' },
      ],
    });
    if (answer !== 'discard') return false;
    return this.act('discard', () => this.api.client.call('git.discard', { paths: changes.map((c) => c.path) }));
  }

  async commit(amend = false): Promise<boolean> {
    const { message } = this.state.value;
    const done = await this.act('commit', () => this.api.client.call('git.commit', { message, amend }));
    if (done) this.patch({ message: '' });
    return done;
  }

  /** Fills the message box with the AI's message for the staged diff (the commit workflow's prompt). */
  async generateMessage(): Promise<void> {
    if (this.generation) return;
    const { staged } = groupsOf(this.state.value.status);
    if (staged.length === 0) {
      this.api.notify('Stage some changes first: the message is written for the staged diff.', 'info');
      return;
    }
    const abort = new AbortController();
    this.generation = abort;
    this.patch({ generating: true, message: '' });
    try {
      const diffs = await Promise.all(
        staged.map((change) => this.api.client.call('git.diff', { path: change.path, base: 'staged' })),
      );
      const text = diffs
        .map((diff) => `--- ${diff.path}\n${diff.hunks.map((h) => [h.header, ...h.lines].join('\n')).join('\n')}`)
        .join('\n');
      const answer = this.api.client.stream(
        'ai.chat',
        { task: 'commit-message', tools: false, messages: [{ role: 'user', content: COMMIT_MESSAGE_PROMPT + text }] },
        { signal: abort.signal },
      );
      let message = '';
      for await (const token of answer) {
        message += token.text;
        this.patch({ message });
      }
      const final = await answer.result;
      this.patch({ message: final.text.trim() });
    } catch (error) {
      if (!isAbortError(error)) this.api.notify(`No commit message: ${errorMessage(error)}`, 'error');
    } finally {
      this.generation = null;
      this.patch({ generating: false });
    }
  }

  /**
   * Opens the diff of a change over its file: for the Changes group the index against the file (editable, hunks can
   * be staged or discarded), for Staged Changes HEAD against the index (hunks can be unstaged).
   */
  async openChange(change: GitChange, group: 'staged' | 'changes'): Promise<void> {
    const { client } = this.api;
    try {
      if (group === 'staged') {
        const [head, index] = await Promise.all([
          client.call('git.show', { path: change.origPath ?? change.path, ref: 'HEAD' }),
          client.call('git.show', { path: change.path, ref: 'index' }),
        ]);
        await this.api.openFile(change.path);
        openDiffEditor({
          path: change.path,
          title: `${change.path} (HEAD ↔ Index)`,
          original: head.content,
          modified: { text: index.content },
          actions: [{ label: 'Unstage Hunk', run: (line) => this.hunk('unstage', change.path, line) }],
        });
        return;
      }
      const base =
        change.kind === 'untracked'
          ? { content: '' }
          : await client.call('git.show', { path: change.path, ref: 'index' });
      await this.api.openFile(change.path);
      const model = this.api.model(change.path);
      openDiffEditor({
        path: change.path,
        title: `${change.path} (Index ↔ Working Tree)`,
        original: base.content,
        modified: model ? { model } : { text: '' },
        actions: [
          { label: 'Stage Hunk', run: (line) => this.hunk('stage', change.path, line) },
          { label: 'Discard Hunk', run: (line) => this.hunk('discard', change.path, line) },
        ],
      });
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
    }
  }

  /** Stages, unstages or discards the hunk holding `line` of the right side (the file is saved first). */
  hunk(action: 'stage' | 'unstage' | 'discard', path: string, line: number): Promise<boolean> {
    return this.act(action, async () => {
      const { client } = this.api;
      if (action !== 'unstage' && this.api.model(path)) await this.api.saveFile(path);
      const diff = await client.call('git.diff', { path, base: action === 'unstage' ? 'staged' : 'worktree' });
      const hunk = hunkAt(diff.hunks, line);
      if (!hunk) throw new Error('Put the cursor on a changed line first.');
      const method =
        action === 'stage' ? 'git.stageHunk' : action === 'unstage' ? 'git.unstageHunk' : 'git.discardHunk';
      await client.call(method, { path, header: hunk.header });
    });
  }

  /** Fetch, pull or push, with git's progress in the status bar while it runs. */
  sync(kind: 'fetch' | 'pull' | 'push'): Promise<boolean> {
    return this.act(kind, async () => {
      const stream = this.api.client.stream(`git.${kind}`, {});
      for await (const progress of stream) this.patch({ progress });
      await stream.result;
      this.api.notify(`${kind[0]?.toUpperCase()}${kind.slice(1)} finished.`, 'info');
    });
  }

  openFile(path: string): Promise<void> {
    return this.api.openFile(path);
  }

  /** Opens a conflicted file; its blocks get Accept Current / Incoming / Both above them (conflict-lens.ts). */
  async openConflict(path: string): Promise<void> {
    closeDiffEditor();
    await this.api.openFile(path);
  }

  /** Local branches first, then remote ones; read when the quick pick opens. */
  async branches(): Promise<GitBranch[]> {
    try {
      const { branches } = await this.api.client.call('git.branches', {});
      return [...branches].sort((a, b) => Number(a.remote) - Number(b.remote) || a.name.localeCompare(b.name));
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
      return [];
    }
  }

  checkout(branch: string): Promise<boolean> {
    return this.act('checkout', () => this.api.client.call('git.checkout', { branch }));
  }

  createBranch(name: string): Promise<boolean> {
    return this.act('branch', () => this.api.client.call('git.createBranch', { name }));
  }

  /** Trusts the workspace (the workflow capability's trust store), after which git may run its hooks and filters. */
  async trust(): Promise<void> {
    const answer = await this.api.confirm({
      title: 'Trust this workspace?',
      message:
        "Staging, committing, switching branches and syncing run the repository's own hooks, filters and configured programs. Trust it only if you trust its author.",
      buttons: [
        { id: 'trust', label: 'Trust Workspace', variant: 'primary' },
        { id: 'cancel', label: 'Cancel' },
      ],
    });
    if (answer === 'trust')
      await this.act('trust', () => this.api.client.call('workflow.trust.set', { trusted: true }));
  }

  dispose(): void {
    this.disposed = true;
    this.generation?.abort();
    this.subscriptions.dispose();
  }
}
