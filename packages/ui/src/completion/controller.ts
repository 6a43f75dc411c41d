// Ghost-text code completion in the editor: Monaco's inline completions provider asks the engine (ai.infill)
// through the requester (cache, typed-through, adaptive debounce, one stream at a time) and shows the suggestion;
// Monaco's own inline-suggest commands accept it (Tab), accept its next word (Ctrl/Cmd+→) and hide it (Esc). The
// context ring is filled from files opened, lines edited and code copied; the model is warmed when a file opens.
// The status observable feeds the status bar item (on / off / off for a language / snoozed / no model / .aiignore).
import { type Disposable, DisposableStore, errorMessage, toDisposable } from '@pa/shared';
import { monaco } from '../editor/monaco';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { AIIGNORE_FILE, AiIgnoreRules } from './ai-ignore';
import { ContextRing } from './context-ring';
import { CompletionRequester, type SuggestOutcome } from './requester';
import { type CompletionStatus, SNOOZE_MS, statusOf, suggesting } from './status';
import { inlineItemsOf, requestAt } from './suggestion';

/** Lines around an edit added to the context ring. */
const EDIT_RADIUS = 8;
/** Lines of a file's start added when it opens. */
const OPEN_LINES = 40;

/** What the page exposes to tests and the latency benchmark (counts and the last outcome, nothing of the code). */
export interface CompletionProbe {
  requests: number;
  shown: number;
  lastSource: 'cache' | 'model' | null;
  lastReason: string | null;
}

export class CompletionController implements Disposable {
  readonly status: Observable<CompletionStatus>;
  readonly probe: CompletionProbe = { requests: 0, shown: 0, lastSource: null, lastReason: null };
  private readonly store = new DisposableStore();
  private readonly paths = new WeakMap<monaco.editor.ITextModel, string>();
  private readonly ring = new ContextRing();
  private readonly aiIgnore: AiIgnoreRules;
  private readonly requester: CompletionRequester;
  /** Edits not yet in the ring: path → the last edited line (flushed when a suggestion is asked). */
  private readonly pendingEdits = new Map<string, { model: monaco.editor.ITextModel; line: number }>();
  private snoozedUntil: number | null = null;
  private snoozeTimer: ReturnType<typeof setTimeout> | null = null;
  private modelAvailable = true;
  private model: string | null = null;
  private warmed = false;

  constructor(private readonly api: WorkbenchApi) {
    this.requester = new CompletionRequester(api.client, {
      debounce: () => {
        const settings = api.settings.effective.value;
        return { minMs: settings['completion.debounceMinMs'], maxMs: settings['completion.debounceMaxMs'] };
      },
      events: {
        onRoute: (route) => this.setModel(route.model || route.providerId),
        onModelAvailable: (available) => {
          this.modelAvailable = available;
          this.refresh();
        },
        onExcluded: (path) => {
          this.ring.forget(path);
          this.refresh();
        },
      },
    });
    this.aiIgnore = new AiIgnoreRules(api.client);
    this.aiIgnore.reload();
    this.status = new Observable(this.compute());
    this.store.add(
      api.client.on('files.changed', ({ changes }) => {
        if (changes.some((change) => change.path === AIIGNORE_FILE)) this.aiIgnoreChanged();
      }),
    );
    this.store.add(api.onDidOpenModel((path, model) => this.adopt(path, model)));
    this.store.add(api.onDidChangeActiveFile(() => this.refresh()));
    this.store.add(
      api.onDidSaveFile((path) => {
        if (path === AIIGNORE_FILE) this.aiIgnoreChanged();
      }),
    );
    this.store.add(
      api.onDidChangeWorkspace(() => {
        this.aiIgnore.reload();
        this.requester.resetExclusions();
        this.ring.clear();
        this.warmed = false;
        this.modelAvailable = true;
        this.refresh();
      }),
    );
    const unsubscribe = api.settings.effective.subscribe(() => this.refresh());
    this.store.add(toDisposable(unsubscribe));
    this.store.add(monaco.languages.registerInlineCompletionsProvider('*', this.provider()));
    const onCopy = () => this.onCopy();
    document.addEventListener('copy', onCopy, true);
    this.store.add(toDisposable(() => document.removeEventListener('copy', onCopy, true)));
    this.store.add(
      toDisposable(() => {
        this.requester.cancel();
        if (this.snoozeTimer) clearTimeout(this.snoozeTimer);
      }),
    );
    (globalThis as { __paCompletion?: CompletionProbe }).__paCompletion = this.probe;
  }

  dispose(): void {
    this.store.dispose();
  }

  /** A model opened before this controller loaded, or now: tracked, its start added to the ring, the model warmed. */
  adopt(path: string, model: monaco.editor.ITextModel): void {
    if (this.paths.has(model)) return;
    this.paths.set(model, path);
    const lines = Math.min(model.getLineCount(), OPEN_LINES);
    const start = model.getValueInRange(new monaco.Range(1, 1, lines, 1));
    void this.aiIgnore.excludes(path).then((excluded) => {
      if (excluded) this.requester.markExcluded(path);
      else this.ring.add(path, start);
    });
    const changes = model.onDidChangeContent((event) => {
      this.requester.keystroke();
      const change = event.changes[0];
      if (change) this.pendingEdits.set(path, { model, line: change.range.startLineNumber });
    });
    this.store.add(changes);
    model.onWillDispose(() => {
      changes.dispose();
      this.pendingEdits.delete(path);
    });
    void this.warm();
    this.refresh();
  }

  /** Turns inline suggestions on or off everywhere (the user's settings). */
  async toggleGlobal(): Promise<void> {
    const enabled = this.api.settings.effective.value['completion.enabled'];
    await this.api.settings.set('user', 'completion.enabled', !enabled);
  }

  /** Turns them on or off for `language` (the user's completion.disabledLanguages). */
  async toggleLanguage(language: string): Promise<void> {
    const disabled = this.api.settings.effective.value['completion.disabledLanguages'];
    const next = disabled.includes(language)
      ? disabled.filter((id) => id !== language)
      : [...disabled, language].slice(-256);
    await this.api.settings.set('user', 'completion.disabledLanguages', next);
  }

  /** Snoozes suggestions for five minutes, or ends a snooze. */
  toggleSnooze(): void {
    if (this.snoozeTimer) clearTimeout(this.snoozeTimer);
    this.snoozeTimer = null;
    if (this.status.value.phase === 'snoozed') this.snoozedUntil = null;
    else {
      this.snoozedUntil = Date.now() + SNOOZE_MS;
      this.requester.cancel();
      this.snoozeTimer = setTimeout(() => {
        this.snoozedUntil = null;
        this.refresh();
      }, SNOOZE_MS);
    }
    this.refresh();
  }

  activeLanguage(): string | null {
    const path = this.api.activeFile();
    const model = path ? this.api.model(path) : null;
    return model ? model.getLanguageId() : null;
  }

  private aiIgnoreChanged(): void {
    this.aiIgnore.reload();
    this.requester.resetExclusions();
    this.refresh();
  }

  private refresh(): void {
    this.status.set(this.compute());
  }

  private compute(): CompletionStatus {
    const settings = this.api.settings.effective.value;
    const path = this.api.activeFile();
    const next = statusOf({
      enabled: settings['completion.enabled'],
      disabledLanguages: settings['completion.disabledLanguages'],
      language: this.activeLanguage(),
      activeExcluded: path !== null && this.requester.isExcluded(path),
      snoozedUntil: this.snoozedUntil,
      modelAvailable: this.modelAvailable,
      model: this.model,
      now: Date.now(),
    });
    const old = this.status?.value;
    // the same state keeps its object: the status item does not re-render
    if (
      old &&
      old.phase === next.phase &&
      old.language === next.language &&
      old.model === next.model &&
      old.snoozedUntil === next.snoozedUntil
    )
      return old;
    return next;
  }

  private setModel(model: string): void {
    if (this.model === model) return;
    this.model = model;
    this.refresh();
  }

  /** Loads the local model that would complete code (once per folder), so the first suggestion is not spent loading. */
  private async warm(): Promise<void> {
    if (this.warmed) return;
    this.warmed = true;
    try {
      const { providerId } = await this.api.client.call('ai.infill.warm');
      this.modelAvailable = providerId !== null;
      if (providerId !== null) {
        const { providers } = await this.api.client.call('ai.providers.list');
        const provider = providers.find((candidate) => candidate.id === providerId);
        this.model = provider?.model || providerId;
      }
    } catch (error) {
      // a warm-up that fails is not the user's business until they get no suggestion (the request says why)
      console.debug(`ai.infill.warm: ${errorMessage(error)}`);
    }
    this.refresh();
  }

  private onCopy(): void {
    const editor = this.api.editor();
    const path = this.api.activeFile();
    const model = editor?.getModel();
    const selection = editor?.getSelection();
    if (!editor?.hasTextFocus() || !model || !selection || !path || selection.isEmpty()) return;
    if (this.requester.isExcluded(path)) return;
    this.ring.add(path, model.getValueInRange(selection));
  }

  private flushEdits(): void {
    for (const [path, { model, line }] of this.pendingEdits) {
      if (model.isDisposed() || this.requester.isExcluded(path)) continue;
      const from = Math.max(1, line - EDIT_RADIUS);
      const to = Math.min(model.getLineCount(), line + EDIT_RADIUS);
      this.ring.add(path, model.getValueInRange(new monaco.Range(from, 1, to, model.getLineMaxColumn(to))));
    }
    this.pendingEdits.clear();
  }

  private provider(): monaco.languages.InlineCompletionsProvider {
    return {
      provideInlineCompletions: async (model, position, context, token) => {
        const path = this.paths.get(model);
        if (path === undefined || !suggesting(this.status.value)) return null;
        if (this.api.settings.effective.value['completion.disabledLanguages'].includes(model.getLanguageId()))
          return null;
        // a file .aiignore excludes is not asked about (the engine would refuse it too)
        if (this.requester.isExcluded(path)) return null;
        if (await this.aiIgnore.excludes(path)) {
          this.requester.markExcluded(path);
          return null;
        }
        if (token.isCancellationRequested) return null;
        const explicit = context.triggerKind === monaco.languages.InlineCompletionTriggerKind.Explicit;
        const request = requestAt(model, position, explicit);
        if (!request) return null;
        const { prefix, suffix, multiline } = request;
        this.flushEdits();
        const chunks = this.ring.chunksFor(path);
        const excluded = await Promise.all(chunks.map((chunk) => this.aiIgnore.excludes(chunk.path ?? '')));
        const signal = abortSignalOf(token);
        const outcome: SuggestOutcome = await this.requester.suggest(
          {
            path,
            language: model.getLanguageId(),
            prefix,
            suffix,
            multiline,
            context: chunks.filter((_, i) => !excluded[i]),
          },
          signal,
          explicit,
        );
        this.probe.requests = this.requester.requests;
        if (outcome.kind === 'none') {
          this.probe.lastReason = outcome.reason;
          return null;
        }
        if (token.isCancellationRequested) return null;
        this.probe.lastSource = outcome.source;
        this.probe.lastReason = null;
        return inlineItemsOf(outcome.text, position);
      },
      handleItemDidShow: () => {
        this.probe.shown += 1;
      },
      freeInlineCompletions: () => {},
    };
  }
}

function abortSignalOf(token: monaco.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
