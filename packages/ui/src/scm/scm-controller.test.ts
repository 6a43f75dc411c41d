import { type GitStatus, PaError, type SettingsSnapshot } from '@pa/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeDiffEditor, diffEditorSlot } from '../editor/diff-editor-slot';
import { AiStreamsEngine, answerOf, settle } from '../testing/ai-streams';
import { FakeEngine } from '../testing/fake-engine';
import { Observable } from '../workbench/observable';
import { COMMIT_MESSAGE_PROMPT } from './groups';
import { type ScmApi, ScmController } from './scm-controller';

const STATUS: GitStatus = {
  repository: true,
  branch: { head: 'main', oid: 'a'.repeat(40), upstream: null, ahead: 0, behind: 0 },
  changes: [{ path: 'a.ts', kind: 'tracked', index: '.', worktree: 'M' }],
  trusted: true,
  merging: false,
};

const snapshotOf = (trusted: boolean) => ({ trusted }) as unknown as SettingsSnapshot;

function setUp(confirmAnswer: string | null = 'discard') {
  const engine = new FakeEngine();
  engine.answer('git.status', () => STATUS);
  const notify = vi.fn();
  const confirm = vi.fn(async () => confirmAnswer);
  const api: ScmApi = {
    client: engine.client,
    notify,
    confirm,
    openFile: vi.fn(async () => {}),
    model: () => null,
    saveFile: vi.fn(async () => {}),
    onDidChangeWorkspace: () => ({ dispose() {} }),
    settings: { snapshot: new Observable<SettingsSnapshot | null>(snapshotOf(false)) },
  };
  const controller = new ScmController(api);
  return { engine, controller, notify, confirm, snapshot: api.settings?.snapshot };
}

const statusReads = (engine: FakeEngine) => engine.methods().filter((method) => method === 'git.status').length;

afterEach(() => closeDiffEditor());

describe('ScmController', () => {
  it('reads the status at start and again when git or the files change', async () => {
    const { engine, controller } = setUp();
    await controller.refresh();
    expect(controller.state.value.status).toEqual(STATUS);
    const before = statusReads(engine);
    engine.emit('git.changed', {});
    await controller.refresh();
    engine.emit('files.changed', { changes: [{ path: 'a.ts', kind: 'changed' }] });
    await controller.refresh();
    expect(statusReads(engine)).toBeGreaterThan(before);
    controller.dispose();
    expect(engine.listenerCount('git.changed')).toBe(0);
  });

  it('reads the status again when the workspace is trusted from anywhere (the settings snapshot says so)', async () => {
    const { engine, controller, snapshot } = setUp();
    await controller.refresh();
    const before = statusReads(engine);
    snapshot?.set(snapshotOf(false)); // another snapshot, same trust: nothing to read
    await settle();
    expect(statusReads(engine)).toBe(before);
    snapshot?.set(snapshotOf(true));
    await settle();
    expect(statusReads(engine)).toBe(before + 1);
    controller.dispose();
  });

  it("shows git's own text when an action fails, and reads the status after", async () => {
    const { engine, controller, notify } = setUp();
    engine.answer('git.stage', () => {
      throw new PaError('E_BAD_REQUEST', "fatal: pathspec 'x' did not match any files");
    });
    const before = statusReads(engine);
    expect(await controller.stage(['x'])).toBe(false);
    expect(notify).toHaveBeenCalledWith("fatal: pathspec 'x' did not match any files", 'error');
    expect(controller.state.value.busy).toBeNull();
    expect(statusReads(engine)).toBeGreaterThan(before);
  });

  it('discards only after the user confirms', async () => {
    const refused = setUp(null);
    refused.engine.answer('git.discard', () => ({ ok: true as const }));
    expect(await refused.controller.discard(STATUS.repository ? STATUS.changes : [])).toBe(false);
    expect(refused.engine.methods()).not.toContain('git.discard');

    const { engine, controller, confirm } = setUp('discard');
    engine.answer('git.discard', () => ({ ok: true as const }));
    expect(await controller.discard(STATUS.repository ? STATUS.changes : [])).toBe(true);
    expect(confirm).toHaveBeenCalledWith(expect.objectContaining({ title: 'Discard the changes in "a.ts"?' }));
    expect(engine.calls.find((call) => call.method === 'git.discard')?.params).toEqual({ paths: ['a.ts'] });
  });

  it('opens the diff of a change and stages the hunk under the cursor from it', async () => {
    const { engine, controller } = setUp();
    engine.answer('git.show', () => ({ content: 'one\ntwo\n', exists: true, binary: false }));
    const hunk = { header: '@@ -2 +2 @@', oldStart: 2, oldLines: 1, newStart: 2, newLines: 1, lines: ['-two', '+TWO'] };
    engine.answer('git.diff', () => ({ path: 'a.ts', binary: false, hunks: [hunk] }));
    engine.answer('git.stageHunk', () => ({ ok: true as const }));
    await controller.openChange({ path: 'a.ts', kind: 'tracked', index: '.', worktree: 'M' }, 'changes');
    const shown = diffEditorSlot.value;
    expect(shown).toMatchObject({ path: 'a.ts', title: 'a.ts (Index ↔ Working Tree)', original: 'one\ntwo\n' });
    await shown?.actions.find((action) => action.label === 'Stage Hunk')?.run(2);
    expect(engine.calls.find((call) => call.method === 'git.stageHunk')?.params).toEqual({
      path: 'a.ts',
      header: '@@ -2 +2 @@',
    });
  });

  it('commits the message and empties the box', async () => {
    const { engine, controller } = setUp();
    engine.answer('git.commit', () => ({ oid: 'b'.repeat(40), summary: 'Fix it' }));
    controller.setMessage('Fix it');
    expect(await controller.commit()).toBe(true);
    expect(engine.calls.find((call) => call.method === 'git.commit')?.params).toEqual({
      message: 'Fix it',
      amend: false,
    });
    expect(controller.state.value.message).toBe('');
  });
});

describe('the AI commit message', () => {
  it("asks ai.chat with the commit workflow's prompt and the staged diff, and fills the box as tokens come", async () => {
    const engine = new AiStreamsEngine();
    const staged: GitStatus = {
      ...STATUS,
      changes: [{ path: 'a.ts', kind: 'tracked', index: 'M', worktree: '.' }],
    };
    engine.calls.answer('git.status', () => staged);
    engine.calls.answer('git.diff', () => ({
      path: 'a.ts',
      binary: false,
      hunks: [{ header: '@@ -1 +1 @@', oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ['-a', '+b'] }],
    }));
    const controller = new ScmController({
      client: engine.client,
      notify: vi.fn(),
      confirm: vi.fn(async () => null),
      openFile: vi.fn(async () => {}),
      model: () => null,
      saveFile: vi.fn(async () => {}),
      onDidChangeWorkspace: () => ({ dispose() {} }),
    });
    await controller.refresh();
    const generating = controller.generateMessage();
    await vi.waitFor(() => expect(engine.streams).toHaveLength(1));
    const chat = engine.last();
    expect(chat.method).toBe('ai.chat');
    expect(chat.params).toMatchObject({ task: 'commit-message', tools: false });
    const content = (chat.params as { messages: Array<{ content: string }> }).messages[0]?.content ?? '';
    expect(content.startsWith(COMMIT_MESSAGE_PROMPT)).toBe(true);
    expect(content).toContain('--- a.ts\n@@ -1 +1 @@\n-a\n+b');
    chat.tokens('Use b ');
    await settle();
    expect(controller.state.value).toMatchObject({ generating: true, message: 'Use b ' });
    chat.answer(answerOf('Use b instead of a\n'));
    await generating;
    expect(controller.state.value).toMatchObject({ generating: false, message: 'Use b instead of a' });
  });
});
