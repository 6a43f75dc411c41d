// The chat panel's state outside React: the conversation, the streaming answer, the model picker and the history
// of this workspace. Components render it and call its methods; the engine does the routing.
import {
  AiStreamFailure,
  type ChatTurn,
  type ConversationMessage,
  type ConversationSummary,
  type EngineClient,
  ErrorCode,
  errorMessage,
  PaError,
  type ProviderView,
  type Settings,
  type UsedContext,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { type Attachment, splitAttachment, withAttachment } from './attachment';
import { parseMentions } from './mentions';

export interface ChatMessage extends ConversationMessage {
  /** True while tokens are still arriving. */
  streaming?: boolean;
  /** A Plan or Agent turn's id: the panel shows its transcript (agent/agent-controller.ts). Not saved. */
  agentTurn?: string;
}

/**
 * A turn of another mode (Plan, Agent) in this conversation: gets the conversation as the model reads it, patches
 * the answer as it arrives, and ends when the turn does (its own errors go on the answer, not out of it).
 */
export type TurnRunner = (
  turns: ChatTurn[],
  patch: (change: (message: ChatMessage) => ChatMessage) => void,
  signal: AbortSignal,
) => Promise<void>;

/** "Auto" is the empty string in the picker; any other value pins a provider id. */
export const AUTO = '';

/** What a stopped answer says under the text that arrived (the engine's words for a cancelled request). */
const STOPPED = 'The request was cancelled.';

function isCancelled(error: unknown): boolean {
  return error instanceof PaError && error.code === ErrorCode.CANCELLED;
}

/**
 * A stored user message as the model reads it: the conversation keeps the `@` tokens as typed (they show as chips),
 * the model gets plain words in their place; an attached file's block stays as it was sent.
 */
export function modelContent(content: string): string {
  const { question, attachment } = splitAttachment(content);
  const plain = parseMentions(question).question;
  return attachment ? withAttachment(plain, attachment) : plain;
}

export class ChatController {
  readonly messages = new Observable<ChatMessage[]>([]);
  readonly streaming = new Observable<boolean>(false);
  readonly providers = new Observable<ProviderView[]>([]);
  readonly model = new Observable<string>(AUTO);
  readonly history = new Observable<ConversationSummary[]>([]);
  readonly conversationId = new Observable<string | null>(null);
  readonly attachContext = new Observable<boolean>(false);
  private stopAnswer: AbortController | null = null;

  constructor(private readonly api: WorkbenchApi) {}

  /**
   * Follows Settings › AI: the model the picker starts on (`ai.chat.defaultModel`) and whether the Attach box starts
   * checked (`ai.chat.attachActiveFile`). A change of either applies at once; a choice made in the panel stands until
   * the setting itself changes again.
   */
  followSettings(settings: Observable<Settings>): () => void {
    let model = settings.value['ai.chat.defaultModel'];
    let attach = settings.value['ai.chat.attachActiveFile'];
    this.model.set(model);
    this.attachContext.set(attach);
    return settings.subscribe(() => {
      const next = settings.value;
      if (next['ai.chat.defaultModel'] !== model) {
        model = next['ai.chat.defaultModel'];
        this.model.set(model);
      }
      if (next['ai.chat.attachActiveFile'] !== attach) {
        attach = next['ai.chat.attachActiveFile'];
        this.attachContext.set(attach);
      }
    });
  }

  private get client(): EngineClient {
    return this.api.client;
  }

  async refresh(): Promise<void> {
    const [{ providers }, { items }] = await Promise.all([
      this.client.call('ai.providers.list'),
      this.client.call('ai.conversations.list'),
    ]);
    this.providers.set(providers);
    this.history.set(items);
  }

  /** The active file's selection (or the whole file when nothing is selected). */
  private context(): Attachment | null {
    const editor = this.api.editor();
    const model = editor?.getModel();
    const path = this.api.activeFile();
    if (!editor || !model || !path) return null;
    const selection = editor.getSelection();
    const selected = selection && !selection.isEmpty() ? selection : null;
    const text = selected ? model.getValueInRange(selected) : model.getValue();
    return {
      path,
      language: model.getLanguageId(),
      text: text.slice(0, 100_000),
      lines: selected ? { from: selected.startLineNumber, to: selected.endLineNumber } : null,
    };
  }

  /** The question as the conversation keeps it (as typed) and the conversation as the model reads it. */
  private ask(typed: string) {
    const { question, mentions } = parseMentions(typed);
    const context = this.attachContext.value ? this.context() : null;
    // the conversation keeps what was typed; the model reads the question with its tokens as plain words
    const content = context ? withAttachment(typed, context) : typed;
    const asked = context ? withAttachment(question, context) : question;
    const turns = [
      ...this.messages.value.map(({ role, content }) => ({
        role,
        content: role === 'user' ? modelContent(content) : content,
      })),
      { role: 'user' as const, content: asked },
    ];
    return { question, mentions, content, turns };
  }

  async send(text: string): Promise<void> {
    const typed = text.trim();
    if (!typed || this.streaming.value) return;
    const { question, mentions, content, turns } = this.ask(typed);
    const before = this.messages.value;
    this.messages.set([...before, { role: 'user', content }, { role: 'assistant', content: '', streaming: true }]);
    this.streaming.set(true);
    const stop = new AbortController();
    this.stopAnswer = stop;
    const answer = this.client.stream(
      'ai.chat',
      {
        messages: turns,
        ...(mentions.length > 0 ? { mentions } : {}),
        ...(this.model.value !== AUTO ? { provider: this.model.value } : {}),
      },
      { signal: stop.signal },
    );
    try {
      for await (const item of answer) {
        if (item.context) this.patchQuestion(item.context);
        if (item.text) this.patchAnswer((m) => ({ ...m, content: m.content + item.text }));
      }
      const done = await answer.result;
      if (done.context) this.patchQuestion(done.context);
      this.patchAnswer(() => ({
        role: 'assistant',
        content: done.text,
        route: done.route,
        ...(done.toolCalls ? { toolCalls: done.toolCalls } : {}),
      }));
    } catch (error) {
      // what arrived is kept (the engine's partial is the same text); a stopped answer says so
      const failure = AiStreamFailure.safeParse(error instanceof PaError ? error.data : undefined);
      this.patchAnswer((m) => ({
        role: 'assistant',
        content: m.content,
        error: isCancelled(error) ? STOPPED : errorMessage(error),
        ...(failure.success && failure.data.route ? { route: failure.data.route } : {}),
      }));
    } finally {
      this.stopAnswer = null;
      this.streaming.set(false);
    }
    // a new conversation started meanwhile: nothing of this one is left to save
    if (this.messages.value.length > 0) await this.save(question || typed);
  }

  /**
   * Runs a turn of another mode in this conversation as `send` runs a chat answer: the question and an answer that
   * `run` fills, Stop and a new conversation stop it (its signal), and the conversation is saved after it.
   */
  async runTurn(text: string, answer: Partial<ChatMessage>, run: TurnRunner): Promise<void> {
    const typed = text.trim();
    if (!typed || this.streaming.value) return;
    const { question, content, turns } = this.ask(typed);
    const before = this.messages.value;
    this.messages.set([
      ...before,
      { role: 'user', content },
      { ...answer, role: 'assistant', content: '', streaming: true },
    ]);
    this.streaming.set(true);
    const stop = new AbortController();
    this.stopAnswer = stop;
    try {
      await run(turns, (change) => this.patchAnswer(change), stop.signal);
    } finally {
      this.stopAnswer = null;
      this.streaming.set(false);
    }
    if (this.messages.value.length > 0) await this.save(question || typed);
  }

  /** Opens a file at a line: a "used context" entry or a `path:line` the answer cites. */
  openAt(path: string, line: number): void {
    void this.api.openFile(path, { line });
  }

  /** The workspace's files for the `@` popup (quick open's list, read once and kept by the workbench). */
  files(): Promise<string[]> {
    return this.api.listFiles();
  }

  /** Stops the answer streaming now (the engine stops its provider); what arrived is kept. */
  stop(): void {
    this.stopAnswer?.abort();
  }

  newConversation(): void {
    this.stop();
    this.messages.set([]);
    this.conversationId.set(null);
  }

  async open(id: string): Promise<void> {
    const { conversation } = await this.client.call('ai.conversations.get', { id });
    this.messages.set(conversation.messages);
    this.conversationId.set(conversation.id);
  }

  /** Puts code at the cursor of the active editor (replacing the selection), as one undoable edit. */
  insertAtCursor(code: string): void {
    const editor = this.api.editor();
    const selection = editor?.getSelection();
    if (!editor || !selection) {
      this.api.notify('Open a file first to insert code into it.', 'warning');
      return;
    }
    editor.pushUndoStop();
    editor.executeEdits('ai.chat', [{ range: selection, text: code, forceMoveMarkers: true }]);
    editor.pushUndoStop();
    editor.focus();
  }

  /** Replaces the active file's content with the code block, as one undoable edit (save to write it). */
  applyToFile(code: string): void {
    const editor = this.api.editor();
    const model = editor?.getModel();
    if (!editor || !model) {
      this.api.notify('Open the file to apply the code to first.', 'warning');
      return;
    }
    editor.pushUndoStop();
    editor.executeEdits('ai.chat', [{ range: model.getFullModelRange(), text: code }]);
    editor.pushUndoStop();
  }

  /**
   * Keeps the context the engine added on the question it was added to, so a conversation saved and opened again
   * still shows it above its answer.
   */
  private patchQuestion(context: UsedContext[]): void {
    this.messages.update((messages) => {
      const question = messages.at(-2);
      if (question?.role !== 'user' || messages.at(-1)?.role !== 'assistant') return messages;
      return [...messages.slice(0, -2), { ...question, context }, messages.at(-1) as ChatMessage];
    });
  }

  private patchAnswer(change: (message: ChatMessage) => ChatMessage): void {
    this.messages.update((messages) => {
      const last = messages.at(-1);
      if (last?.role !== 'assistant') return messages;
      return [...messages.slice(0, -1), change(last)];
    });
  }

  private async save(firstQuestion: string): Promise<void> {
    const messages = this.messages.value.map(({ streaming: _streaming, agentTurn: _turn, ...message }) => message);
    const existing = this.conversationId.value;
    const title = this.history.value.find((item) => item.id === existing)?.title ?? firstQuestion.slice(0, 80);
    try {
      const { id } = await this.client.call('ai.conversations.save', {
        ...(existing ? { id: existing } : {}),
        title,
        messages,
      });
      this.conversationId.set(id);
      const { items } = await this.client.call('ai.conversations.list');
      this.history.set(items);
    } catch (error) {
      this.api.notify(`Could not save the conversation: ${errorMessage(error)}`, 'warning');
    }
  }
}
