// The Terminal view's state: the engine's terminals as tabs (the ones a reloaded page finds still running are
// taken back, with their screens), the active one and the one split beside it, and what the tab list does: new,
// rename, kill, split. Each terminal on screen is a TerminalInstance, kept while its tab exists.
import { type Disposable, DisposableStore, errorMessage, type TerminalInfo } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import type { TerminalInstance } from './terminal-instance';

export const TERMINAL_VIEW_ID = 'terminal';

/** xterm and its add-ons (some 300 KB of script) load with the first terminal, not with the page. */
let instanceModule: Promise<typeof import('./terminal-instance')> | null = null;
function loadTerminalInstance(): Promise<typeof import('./terminal-instance')> {
  instanceModule ??= import('./terminal-instance').catch((error: unknown) => {
    instanceModule = null; // the next terminal asks again
    throw error;
  });
  return instanceModule;
}

export type TerminalApi = Pick<WorkbenchApi, 'client' | 'workspace' | 'openFile' | 'notify' | 'onDidChangeWorkspace'>;

export interface TerminalTab {
  id: string;
  name: string;
  /** A command terminal (the agent's): the command it runs; its tab stays after the command ends, until closed. */
  command?: string;
}

export interface TerminalState {
  tabs: TerminalTab[];
  active: string | null;
  /** A second terminal shown beside the active one, null when the view is not split. */
  split: string | null;
  /** The search box of the active terminal is open. */
  searching: boolean;
}

export class TerminalController implements Disposable {
  readonly state = new Observable<TerminalState>({ tabs: [], active: null, split: null, searching: false });
  private readonly instances = new Map<string, TerminalInstance>();
  /** Terminals whose instance waits for xterm's module. */
  private readonly adding = new Map<string, Promise<void>>();
  private disposed = false;
  private readonly subscriptions = new DisposableStore();
  private size = { cols: 80, rows: 24 };
  private adopted: Promise<void>;
  private ensuring: Promise<void> | null = null;

  constructor(private readonly api: TerminalApi) {
    this.subscriptions.add(api.onDidChangeWorkspace(() => void this.adopt()));
    this.adopted = this.adopt();
  }

  instance(id: string): TerminalInstance | null {
    return this.instances.get(id) ?? null;
  }

  /** The size a new terminal starts with: the last one a pane measured. */
  rememberSize(cols: number, rows: number): void {
    this.size = { cols, rows };
  }

  /** The size the next terminal starts with. */
  nextSize(): { cols: number; rows: number } {
    return { ...this.size };
  }

  /** Makes the engine's terminal `id` (one the agent started) a tab, and the active one. */
  async reveal(id: string): Promise<void> {
    if (!this.instances.has(id)) {
      try {
        const { terminals } = await this.api.client.call('terminal.list');
        const info = terminals.find((terminal) => terminal.id === id);
        if (!info) return;
        await this.add(info);
      } catch (error) {
        this.api.notify(`Could not show the terminal: ${errorMessage(error)}`, 'error');
        return;
      }
    }
    if (this.state.value.tabs.some((tab) => tab.id === id)) this.select(id);
  }

  /** Takes back the terminals the engine is running (after a page reload); opens none. */
  async adopt(): Promise<void> {
    try {
      const { terminals } = await this.api.client.call('terminal.list');
      for (const terminal of terminals) await this.add(terminal);
    } catch (error) {
      this.api.notify(`Could not list the terminals: ${errorMessage(error)}`, 'error');
    }
  }

  async create(options: { split?: boolean } = {}): Promise<string | null> {
    try {
      const { id } = await this.api.client.call('terminal.create', { ...this.size });
      const { terminals } = await this.api.client.call('terminal.list');
      const info = terminals.find((terminal) => terminal.id === id);
      if (!info) return null;
      await this.add(info);
      const state = this.state.value;
      if (options.split && state.active && state.active !== id) this.patch({ split: id });
      else this.patch({ active: id, split: state.split === id ? null : state.split });
      return id;
    } catch (error) {
      this.api.notify(`Could not open a terminal: ${errorMessage(error)}`, 'error');
      return null;
    }
  }

  /** Opens a first terminal once the running ones are taken back, if there are none. */
  ensureOne(): Promise<void> {
    // Ctrl+` and the view showing for the first time both ask: one answer, one terminal
    this.ensuring ??= this.adopted
      .then(async () => {
        if (this.state.value.tabs.length === 0 && this.api.workspace()) await this.create();
      })
      .finally(() => {
        this.ensuring = null;
      });
    return this.ensuring;
  }

  select(id: string): void {
    const state = this.state.value;
    this.patch({ active: id, split: state.split === id ? null : state.split });
    this.instances.get(id)?.focus();
  }

  /** Splits the view: a new terminal beside the active one (or the split closed when it is open). */
  async toggleSplit(): Promise<void> {
    if (this.state.value.split) this.patch({ split: null });
    else await this.create({ split: true });
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return;
    try {
      await this.api.client.call('terminal.rename', { id, name: trimmed.slice(0, 64) });
      this.patch({ tabs: this.state.value.tabs.map((tab) => (tab.id === id ? { ...tab, name: trimmed } : tab)) });
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
    }
  }

  async kill(id: string): Promise<void> {
    try {
      await this.api.client.call('terminal.kill', { id });
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
    }
    this.remove(id);
  }

  setSearching(searching: boolean): void {
    this.patch({ searching });
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
    for (const instance of this.instances.values()) instance.dispose(); // the shells go on in the engine
    this.instances.clear();
  }

  /** Creates the terminal's instance (xterm's module first, once) and its tab; one at a time per terminal. */
  private add(info: TerminalInfo): Promise<void> {
    if (this.instances.has(info.id)) return Promise.resolve();
    const waiting = this.adding.get(info.id);
    if (waiting) return waiting;
    const adding: Promise<void> = loadTerminalInstance()
      .then(({ TerminalInstance }) => {
        // gone meanwhile: the window closed, or the terminal exited or was killed (remove() let go of it)
        if (this.disposed || this.adding.get(info.id) !== adding) return;
        this.attach(info, new TerminalInstance(info.id, info.cwd, this.instanceServices(), info.command));
      })
      .finally(() => {
        if (this.adding.get(info.id) === adding) this.adding.delete(info.id);
      });
    this.adding.set(info.id, adding);
    return adding;
  }

  private instanceServices(): ConstructorParameters<typeof TerminalInstance>[2] {
    return {
      client: this.api.client,
      root: () => this.api.workspace()?.root ?? null,
      openFile: (path, position) => void this.api.openFile(path, position).catch(() => undefined),
      openUrl: (url) => {
        if (/^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
      },
      // a command terminal's tab stays with what the command printed, until the user closes it
      onExit: (id) => {
        if (this.state.value.tabs.find((tab) => tab.id === id)?.command === undefined) this.remove(id);
      },
    };
  }

  private attach(info: TerminalInfo, instance: TerminalInstance): void {
    this.instances.set(info.id, instance);
    const state = this.state.value;
    const tab: TerminalTab = {
      id: info.id,
      name: info.name,
      ...(info.command !== undefined ? { command: info.command } : {}),
    };
    this.patch({ tabs: [...state.tabs, tab], active: state.active ?? info.id });
  }

  private remove(id: string): void {
    this.adding.delete(id);
    this.instances.get(id)?.dispose();
    this.instances.delete(id);
    const state = this.state.value;
    const tabs = state.tabs.filter((tab) => tab.id !== id);
    const split = state.split === id ? null : state.split;
    const active = state.active === id ? (split ?? tabs[tabs.length - 1]?.id ?? null) : state.active;
    this.patch({ tabs, active, split: split === active ? null : split });
  }

  private patch(partial: Partial<TerminalState>): void {
    this.state.update((state) => ({ ...state, ...partial }));
  }
}
