// Agent mode in the chat panel (issue 17): Plan and Agent turns run through the engine's `agent.run`, whose events
// this controller folds into one transcript per turn — the text as it streams, the rules in effect, a card per tool
// call (with a command's live output), approval cards the user answers (`agent.approve`), notices — and, once the
// turn is done, the review of the files it changed and "Restore to here" (`agent.restore`, undoable). Ask turns stay
// the chat controller's own (`ai.chat`). A turn is a message of the chat's conversation (ChatController.runTurn),
// so Stop, a new conversation, saving and the history the next question carries all work as for Ask.
import {
  type AgentAnswer,
  type AgentEdit,
  type AgentEvent,
  type AgentMode,
  type ChatTurn,
  type EngineClient,
  ErrorCode,
  errorMessage,
  PaError,
  type RestoreAnswer,
} from '@pa/shared';
import { AUTO, type ChatController, type ChatMessage } from '../ai/chat-controller';
import { openDiffEditor } from '../editor/diff-editor-slot';
import { terminalBridge } from '../terminal/terminal-bridge';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { originalText } from './diff';

export type ApprovalChoice = 'once' | 'always' | 'deny';
export type ToolKind = Extract<AgentEvent, { type: 'tool-start' }>['kind'];

/** `awaiting`: an approval card waits on the user; `stopped`: the turn ended (Stop) while it ran. */
export type ToolStatus = 'running' | 'awaiting' | 'done' | 'error' | 'denied' | 'stopped';

export interface ToolCard {
  kind: 'tool';
  id: string;
  name: string;
  toolKind: ToolKind;
  arguments: Record<string, unknown>;
  status: ToolStatus;
  /** The start of what the tool answered, once it has. */
  result: string | null;
  /** A running command's output as it came (its last OUTPUT_CHARS). */
  output: string;
  /** True when the start of the output was dropped to keep it bounded. */
  outputCut: boolean;
  edit?: AgentEdit;
  /** run_command ran in this integrated terminal (its output is there, live). */
  terminal?: { id: string; name: string };
}

export interface ApprovalCard {
  kind: 'approval';
  approvalId: string;
  callId: string;
  name: string;
  toolKind: ToolKind;
  summary: string;
  arguments: Record<string, unknown>;
  /** The user's answer (set as it is sent, so the buttons go at once). */
  choice: ApprovalChoice | null;
  /** True while agent.approve is on its way. */
  sending: boolean;
  /** The turn ended before it was answered. */
  expired: boolean;
  error: string | null;
}

export type TranscriptItem =
  | { kind: 'text'; text: string }
  | { kind: 'notice'; text: string }
  | ToolCard
  | ApprovalCard;

export type Conflict = RestoreAnswer['conflicts'][number];

export interface RestoreState {
  /** `busy`: a restore or an undo is on its way; `restored`: the last call restored; `undone`: its undo did. */
  phase: 'idle' | 'busy' | 'restored' | 'undone';
  restored: string[];
  conflicts: Conflict[];
  undoCheckpointId: number | null;
  /** The restore was forced ("Restore anyway"). */
  forced: boolean;
  error: string | null;
}

/** One file's per-file "Reject" in the review: on its way, done (restored), or left alone (a conflict). */
export interface FileReject {
  phase: 'busy' | 'rejected' | 'conflict';
  /** Why it was left alone (phase 'conflict'). */
  reason: Conflict['reason'] | null;
  /** Restoring this checkpoint undoes the reject; null when nothing had to change. */
  undoCheckpointId: number | null;
  error: string | null;
}

export interface AgentTurn {
  id: string;
  mode: Exclude<AgentMode, 'ask'>;
  /** The model picked when it was asked: a provider id, or AUTO. The answer's route says who answered. */
  picked: string;
  items: TranscriptItem[];
  rules: string[];
  redactions: number;
  checkpointId: number | null;
  running: boolean;
  answer: AgentAnswer | null;
  error: string | null;
  cancelled: boolean;
  /** The files it changed, once it is done (the answer's edits). */
  edits: AgentEdit[];
  /** Paths of the edits the user kept ("Accept": gone from the review). */
  kept: string[];
  /** Per-file "Reject" of the review, by the edit's path. */
  rejected: Readonly<Record<string, FileReject>>;
  restore: RestoreState;
  /** A turn that runs a plan: the plan's steps (its numbered lines), shown above the transcript. */
  plan?: string[];
  /** A Plan turn whose plan was run: the Agent turn running it. */
  planRun?: string;
}

/** The most of a command's output a card keeps (the end of it: where a test run says how it went). */
export const OUTPUT_CHARS = 20_000;

/** What a stopped turn says (the engine's words for a cancelled request). */
const STOPPED = 'The request was cancelled.';

const IDLE_RESTORE: RestoreState = {
  phase: 'idle',
  restored: [],
  conflicts: [],
  undoCheckpointId: null,
  forced: false,
  error: null,
};

/** The steps of a plan: its numbered (or bulleted) lines, at most 50; the whole text when it has none. */
export function planSteps(text: string): string[] {
  const steps = text
    .split('\n')
    .map((line) => /^\s*(?:\d+[.)]|[-*])\s+(.+)$/.exec(line)?.[1]?.trim() ?? '')
    .filter(Boolean);
  return (steps.length > 0 ? steps : [text.trim()]).slice(0, 50).map((step) => step.slice(0, 500));
}

/** The paths a per-file reject restores: a rename's both. */
function pathsOf(edit: AgentEdit): string[] {
  return edit.kind === 'renamed' && edit.from ? [edit.from, edit.path] : [edit.path];
}

/** Conflicts "Restore anyway" can overwrite: files the user changed after the turn. */
export function forceable(conflict: Conflict): boolean {
  return conflict.reason === 'edited' || conflict.reason === 'edited_between';
}

function isCancelled(error: unknown): boolean {
  return error instanceof PaError && error.code === ErrorCode.CANCELLED;
}

export class AgentController {
  /** The mode the next question goes in: Ask is today's chat, Plan and Agent go through agent.run. */
  readonly mode = new Observable<AgentMode>('ask');
  /** Every Plan and Agent turn of this window, by id (the chat's messages name theirs in `agentTurn`). */
  readonly turns = new Observable<ReadonlyMap<string, AgentTurn>>(new Map());
  private count = 0;

  constructor(
    private readonly api: WorkbenchApi,
    private readonly chat: ChatController,
  ) {}

  private get client(): EngineClient {
    return this.api.client;
  }

  turn(id: string): AgentTurn | undefined {
    return this.turns.value.get(id);
  }

  /** Sends the question in the current mode. */
  send(text: string): Promise<void> {
    const mode = this.mode.value;
    if (mode === 'ask') return this.chat.send(text);
    const id = `turn-${++this.count}`;
    return this.chat.runTurn(text, { agentTurn: id }, (turns, patch, signal) =>
      this.run(id, mode, turns, patch, signal),
    );
  }

  /**
   * "Run this plan": an Agent turn whose instruction is the plan a Plan turn ended with (its steps shown above the
   * new turn's transcript); the chat goes on in Agent mode.
   */
  runPlan(planTurnId: string): Promise<void> {
    const planned = this.turn(planTurnId);
    const text = planned?.answer?.text.trim();
    if (!planned || planned.mode !== 'plan' || planned.running || !text || this.chat.streaming.value)
      return Promise.resolve();
    this.mode.set('agent');
    const id = `turn-${++this.count}`;
    this.patch(planTurnId, (turn) => ({ ...turn, planRun: id }));
    const steps = planSteps(text);
    return this.chat.runTurn(
      `Carry out this plan, step by step:\n\n${text}`,
      { agentTurn: id },
      (turns, patch, signal) => this.run(id, 'agent', turns, patch, signal, steps),
    );
  }

  /** Stops the turn running now (the engine stops the model and kills a running command). */
  stop(): void {
    this.chat.stop();
  }

  private async run(
    id: string,
    mode: Exclude<AgentMode, 'ask'>,
    messages: ChatTurn[],
    patch: (change: (message: ChatMessage) => ChatMessage) => void,
    signal: AbortSignal,
    plan?: string[],
  ): Promise<void> {
    const picked = this.chat.model.value;
    this.put({
      id,
      mode,
      picked,
      items: [],
      rules: [],
      redactions: 0,
      checkpointId: null,
      running: true,
      answer: null,
      error: null,
      cancelled: false,
      edits: [],
      kept: [],
      rejected: {},
      restore: IDLE_RESTORE,
      ...(plan ? { plan } : {}),
    });
    // with an integrated terminal, the engine runs the turn's commands in terminals of their own
    const terminal = terminalBridge.value?.size();
    const stream = this.client.stream(
      'agent.run',
      { messages, mode, ...(picked !== AUTO ? { provider: picked } : {}), ...(terminal ? { terminal } : {}) },
      { signal },
    );
    try {
      for await (const event of stream) {
        this.apply(id, event);
        if (event.type === 'text') patch((message) => ({ ...message, content: message.content + event.text }));
      }
      const answer = await stream.result;
      this.patch(id, (turn) => ({
        ...this.ended(turn, false),
        answer,
        rules: answer.rules.length > 0 ? answer.rules : turn.rules,
        redactions: Math.max(turn.redactions, answer.redactions),
        checkpointId: answer.checkpointId ?? turn.checkpointId,
        edits: answer.edits,
      }));
      patch(() => ({ role: 'assistant', content: answer.text, route: answer.route, agentTurn: id }));
    } catch (error) {
      const cancelled = isCancelled(error);
      const text = cancelled ? STOPPED : errorMessage(error);
      this.patch(id, (turn) => ({ ...this.ended(turn, cancelled), error: text, cancelled }));
      patch((message) => ({ role: 'assistant', content: message.content, error: text, agentTurn: id }));
    }
  }

  /** Folds one event of the stream into the turn's transcript. */
  private apply(id: string, event: AgentEvent): void {
    this.patch(id, (turn) => {
      switch (event.type) {
        case 'text': {
          if (!event.text) return turn;
          const last = turn.items.at(-1);
          // pieces of one stretch of text join; text after a tool call starts a new stretch
          if (last?.kind === 'text')
            return { ...turn, items: [...turn.items.slice(0, -1), { kind: 'text', text: last.text + event.text }] };
          return { ...turn, items: [...turn.items, { kind: 'text', text: event.text }] };
        }
        case 'rules':
          return { ...turn, rules: event.sources };
        case 'tool-start':
          return {
            ...turn,
            items: [
              ...turn.items,
              {
                kind: 'tool',
                id: event.id,
                name: event.name,
                toolKind: event.kind,
                arguments: event.arguments,
                status: 'running',
                result: null,
                output: '',
                outputCut: false,
              },
            ],
          };
        case 'approval': {
          const card: ApprovalCard = {
            kind: 'approval',
            approvalId: event.approvalId,
            callId: event.callId,
            name: event.name,
            toolKind: event.kind,
            summary: event.summary,
            arguments: event.arguments,
            choice: null,
            sending: false,
            expired: false,
            error: null,
          };
          const items = turn.items.map((item) =>
            item.kind === 'tool' && item.id === event.callId ? { ...item, status: 'awaiting' as const } : item,
          );
          return { ...turn, items: [...items, card] };
        }
        case 'output':
          return this.patchTool(turn, event.id, (tool) => {
            const output = tool.output + event.text;
            const cut = output.length > OUTPUT_CHARS;
            return {
              ...tool,
              output: cut ? output.slice(-OUTPUT_CHARS) : output,
              outputCut: tool.outputCut || cut,
            };
          });
        case 'tool-end':
          return this.patchTool(turn, event.id, (tool) => ({
            ...tool,
            status: event.denied ? 'denied' : event.isError ? 'error' : 'done',
            result: event.result,
            ...(event.edit ? { edit: event.edit } : {}),
          }));
        case 'terminal':
          void terminalBridge.value?.reveal(event.terminalId);
          return this.patchTool(turn, event.id, (tool) => ({
            ...tool,
            terminal: { id: event.terminalId, name: event.name },
          }));
        case 'checkpoint':
          return { ...turn, checkpointId: event.checkpointId };
        case 'redacted':
          return { ...turn, redactions: Math.max(turn.redactions, event.count) };
        case 'notice':
          return { ...turn, items: [...turn.items, { kind: 'notice', text: event.text }] };
      }
      return turn;
    });
  }

  /** The turn once its stream ended: no card waits any more, no tool runs any more. */
  private ended(turn: AgentTurn, cancelled: boolean): AgentTurn {
    const items = turn.items.map((item): TranscriptItem => {
      if (item.kind === 'tool' && (item.status === 'running' || item.status === 'awaiting'))
        return { ...item, status: cancelled ? 'stopped' : 'error' };
      if (item.kind === 'approval' && item.choice === null) return { ...item, expired: true };
      return item;
    });
    return { ...turn, items, running: false };
  }

  /**
   * Answers an approval card: once, always (for this workspace) or deny. A card is answered once; its buttons go as
   * the answer is sent and come back only if it could not be.
   */
  async approve(turnId: string, approvalId: string, choice: ApprovalChoice): Promise<void> {
    const card = this.turn(turnId)?.items.find(
      (item): item is ApprovalCard => item.kind === 'approval' && item.approvalId === approvalId,
    );
    if (!card || card.choice !== null || card.expired) return;
    this.patchApproval(turnId, approvalId, (item) => ({ ...item, choice, sending: true, error: null }));
    try {
      await this.client.call('agent.approve', { approvalId, choice });
      this.patchApproval(turnId, approvalId, (item) => ({ ...item, sending: false }));
      if (choice !== 'deny')
        this.patch(turnId, (turn) =>
          this.patchTool(turn, card.callId, (tool) =>
            tool.status === 'awaiting' ? { ...tool, status: 'running' } : tool,
          ),
        );
    } catch (error) {
      // the turn is gone (ended, or the engine restarted): nothing waits on this card any more
      const gone = error instanceof PaError && error.code === ErrorCode.NOT_FOUND;
      this.patchApproval(turnId, approvalId, (item) => ({
        ...item,
        choice: gone ? item.choice : null,
        sending: false,
        expired: gone || item.expired,
        error: errorMessage(error),
      }));
    }
  }

  /**
   * "Restore to here": puts every file the turn changed back as it was before the turn. Files the user changed since
   * are left alone and listed; `force` ("Restore anyway") overwrites them too.
   */
  async restore(turnId: string, force = false): Promise<void> {
    const turn = this.turn(turnId);
    if (!turn || turn.checkpointId === null || turn.running || turn.restore.phase === 'busy') return;
    await this.restoreTo(turnId, turn.checkpointId, force, 'restored');
  }

  /** "Undo restore": restores the checkpoint the restore took of what it overwrote. */
  async undoRestore(turnId: string): Promise<void> {
    const turn = this.turn(turnId);
    const undo = turn?.restore.undoCheckpointId;
    if (!turn || undo == null || turn.restore.phase !== 'restored') return;
    await this.restoreTo(turnId, undo, false, 'undone');
  }

  private async restoreTo(
    turnId: string,
    checkpointId: number,
    force: boolean,
    phase: 'restored' | 'undone',
  ): Promise<void> {
    this.patchRestore(turnId, (restore) => ({ ...restore, phase: 'busy', error: null }));
    try {
      const answer = await this.client.call('agent.restore', { checkpointId, force });
      this.patchRestore(turnId, () => ({
        phase,
        restored: answer.restored,
        conflicts: answer.conflicts,
        undoCheckpointId: phase === 'restored' ? answer.undoCheckpointId : null,
        forced: force,
        error: null,
      }));
    } catch (error) {
      this.patchRestore(turnId, (restore) => ({
        ...restore,
        phase: restore.phase === 'busy' ? (phase === 'undone' ? 'restored' : 'idle') : restore.phase,
        error: errorMessage(error),
      }));
    }
  }

  /** Shows the integrated terminal a command ran in. */
  showTerminal(id: string): void {
    void terminalBridge.value?.reveal(id);
  }

  /**
   * Per-file "Reject": puts just this file back as it was before the turn (a file the turn created is deleted, one it
   * deleted comes back; a rename, both paths). A file changed since the turn is left alone (a conflict) unless
   * `force` ("Reject anyway"). Undoable (undoReject).
   */
  async reject(turnId: string, edit: AgentEdit, force = false): Promise<void> {
    const turn = this.turn(turnId);
    if (!turn || turn.checkpointId === null || turn.running || turn.rejected[edit.path]?.phase === 'busy') return;
    const checkpointId = turn.checkpointId;
    const paths = pathsOf(edit);
    this.patchReject(turnId, edit.path, () => ({ phase: 'busy', reason: null, undoCheckpointId: null, error: null }));
    try {
      const answer = await this.client.call('agent.restoreFiles', { checkpointId, paths, force });
      const conflict = answer.conflicts.find((item) => paths.includes(item.path));
      this.patchReject(turnId, edit.path, () =>
        conflict
          ? { phase: 'conflict', reason: conflict.reason, undoCheckpointId: answer.undoCheckpointId, error: null }
          : { phase: 'rejected', reason: null, undoCheckpointId: answer.undoCheckpointId, error: null },
      );
    } catch (error) {
      this.patchReject(turnId, edit.path, () => ({
        phase: 'conflict',
        reason: null,
        undoCheckpointId: null,
        error: errorMessage(error),
      }));
    }
  }

  /** Undoes a per-file reject: the turn's version of the file comes back, and the file is up for review again. */
  async undoReject(turnId: string, path: string): Promise<void> {
    const state = this.turn(turnId)?.rejected[path];
    if (!state || state.phase !== 'rejected') return;
    const undo = state.undoCheckpointId;
    if (undo !== null) {
      this.patchReject(turnId, path, (current) => ({ ...current, phase: 'busy' }));
      try {
        await this.client.call('agent.restore', { checkpointId: undo, force: false });
      } catch (error) {
        this.patchReject(turnId, path, (current) => ({ ...current, phase: 'rejected', error: errorMessage(error) }));
        return;
      }
    }
    this.patch(turnId, (turn) => {
      const { [path]: _gone, ...rest } = turn.rejected;
      return { ...turn, rejected: rest };
    });
  }

  /** "Keep": the edit stays as it is and leaves the review. */
  keep(turnId: string, path: string): void {
    this.patch(turnId, (turn) => (turn.kept.includes(path) ? turn : { ...turn, kept: [...turn.kept, path] }));
  }

  /** "Accept all": every edit of the turn not rejected stays; the review closes. */
  keepAll(turnId: string): void {
    this.patch(turnId, (turn) => ({
      ...turn,
      kept: turn.edits.map((edit) => edit.path).filter((path) => turn.rejected[path]?.phase !== 'rejected'),
    }));
  }

  /**
   * Opens an edit in the diff editor over its file: the text before the turn (the turn's diff taken back off the
   * file) against the file now. Where the diff no longer fits the file (edited since, or cut for length) the file
   * opens alone.
   */
  async openDiff(edit: AgentEdit): Promise<void> {
    if (edit.kind === 'deleted') {
      this.api.notify(`${edit.path} was deleted by the turn; "Restore to here" brings it back.`);
      return;
    }
    try {
      await this.api.openFile(edit.path);
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
      return;
    }
    const model = this.api.model(edit.path);
    const original = model ? originalText(edit, model.getValue()) : null;
    if (!model || original === null) {
      this.api.notify(`${edit.path} changed since the turn; it is open without the diff.`, 'warning');
      return;
    }
    openDiffEditor({
      path: edit.path,
      title: `${edit.path} (before the turn ↔ now)`,
      original,
      modified: { model },
      actions: [],
    });
  }

  openFile(path: string): void {
    void this.api.openFile(path).catch((error: unknown) => this.api.notify(errorMessage(error), 'error'));
  }

  private put(turn: AgentTurn): void {
    this.turns.update((turns) => new Map(turns).set(turn.id, turn));
  }

  private patch(id: string, change: (turn: AgentTurn) => AgentTurn): void {
    const turn = this.turn(id);
    if (!turn) return;
    const next = change(turn);
    if (next !== turn) this.put(next);
  }

  private patchTool(turn: AgentTurn, callId: string, change: (tool: ToolCard) => ToolCard): AgentTurn {
    // the last card of that call (ids are the model's: a later round may use one again)
    const index = turn.items.map((item) => item.kind === 'tool' && item.id === callId).lastIndexOf(true);
    const tool = turn.items[index];
    if (tool?.kind !== 'tool') return turn;
    const items = [...turn.items];
    items[index] = change(tool);
    return { ...turn, items };
  }

  private patchApproval(turnId: string, approvalId: string, change: (card: ApprovalCard) => ApprovalCard): void {
    this.patch(turnId, (turn) => ({
      ...turn,
      items: turn.items.map((item) =>
        item.kind === 'approval' && item.approvalId === approvalId ? change(item) : item,
      ),
    }));
  }

  private patchReject(turnId: string, path: string, change: (state: FileReject) => FileReject): void {
    this.patch(turnId, (turn) => {
      const before = turn.rejected[path] ?? { phase: 'busy', reason: null, undoCheckpointId: null, error: null };
      return { ...turn, rejected: { ...turn.rejected, [path]: change(before) } };
    });
  }

  private patchRestore(turnId: string, change: (restore: RestoreState) => RestoreState): void {
    this.patch(turnId, (turn) => ({ ...turn, restore: change(turn.restore) }));
  }
}
