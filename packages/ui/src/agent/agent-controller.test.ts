import { type AgentAnswer, type AgentEvent, ErrorCode, PaError, type RestoreAnswer } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { ChatController } from '../ai/chat-controller';
import { terminalBridge } from '../terminal/terminal-bridge';
import { AiStreamsEngine, answerOf, type DrivenStream, settle } from '../testing/ai-streams';
import { deferred } from '../testing/fake-engine';
import type { WorkbenchApi } from '../workbench/contributions';
import { AgentController, OUTPUT_CHARS, planSteps } from './agent-controller';

const DIFF = [
  '===================================================================',
  '--- a/src/math.js',
  '+++ b/src/math.js',
  '@@ -5,3 +5,3 @@',
  ' export function multiply(a, b) {',
  '-  return a + b;',
  '+  return a * b;',
  ' }',
  '',
].join('\n');

const EDIT = { path: 'src/math.js', kind: 'modified' as const, diff: DIFF };

function agentAnswer(over: Partial<AgentAnswer> = {}): AgentAnswer {
  return {
    text: 'Fixed.',
    mode: 'agent',
    route: answerOf('').route,
    steps: 3,
    toolCalls: 2,
    stopReason: 'done',
    checkpointId: 7,
    edits: [EDIT],
    rules: ['AGENTS.md'],
    redactions: 0,
    tokensIn: 100,
    tokensOut: 20,
    totalMs: 1234,
    ...over,
  };
}

function setup() {
  const engine = new AiStreamsEngine();
  const saved: unknown[] = [];
  engine.calls.answer('ai.conversations.save', async (params) => {
    saved.push(params);
    return { id: 'c1' };
  });
  engine.calls.answer('ai.conversations.list', async () => ({ items: [] }));
  engine.calls.answer('agent.approve', async () => ({ ok: true as const }));
  const notes: string[] = [];
  const api = {
    client: engine.client,
    notify: (message: string) => notes.push(message),
  } as unknown as WorkbenchApi;
  const chat = new ChatController(api);
  const agent = new AgentController(api, chat);
  agent.mode.set('agent');
  return { engine, chat, agent, saved, notes };
}

/** The engine sends agent events (the driven stream is typed for ai.chat's items). */
function emit(stream: DrivenStream, ...events: AgentEvent[]): void {
  stream.items(...(events as never[]));
}

function end(stream: DrivenStream, answer: AgentAnswer): void {
  stream.answer(answer as never);
}

/** Starts a turn and waits for its stream; returns the stream, the turn's id and the promise of the turn. */
async function start(agent: AgentController, engine: AiStreamsEngine, question = 'fix multiply') {
  const sending = agent.send(question);
  await settle();
  const stream = engine.last();
  const id = [...agent.turns.value.keys()].at(-1) as string;
  return { stream, id, sending, turn: () => agent.turn(id) };
}

describe('AgentController', () => {
  it('folds the events into the turn’s transcript, and ends it with the answer, the edits and the checkpoint', async () => {
    const { engine, chat, agent, saved } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    expect(stream.method).toBe('agent.run');
    expect(stream.params).toEqual({ messages: [{ role: 'user', content: 'fix multiply' }], mode: 'agent' });
    expect(chat.streaming.value).toBe(true);
    expect(chat.messages.value.at(-1)).toMatchObject({ role: 'assistant', agentTurn: id, streaming: true });
    emit(
      stream,
      { type: 'rules', sources: ['AGENTS.md', '.cursor/rules/style.mdc'] },
      { type: 'text', text: 'Reading ' },
      { type: 'text', text: 'the test. ' },
      { type: 'tool-start', id: 'c1', name: 'read_file', kind: 'read', arguments: { path: 'test/math.test.js' } },
    );
    await settle();
    expect(turn()).toMatchObject({
      mode: 'agent',
      picked: '',
      running: true,
      rules: ['AGENTS.md', '.cursor/rules/style.mdc'],
      items: [
        { kind: 'text', text: 'Reading the test. ' },
        { kind: 'tool', id: 'c1', name: 'read_file', status: 'running', arguments: { path: 'test/math.test.js' } },
      ],
    });
    emit(
      stream,
      { type: 'tool-end', id: 'c1', name: 'read_file', isError: false, denied: false, result: 'import …' },
      { type: 'checkpoint', checkpointId: 7 },
      { type: 'tool-start', id: 'c2', name: 'edit_file', kind: 'write', arguments: { path: 'src/math.js' } },
      { type: 'tool-end', id: 'c2', name: 'edit_file', isError: false, denied: false, result: 'edited', edit: EDIT },
      { type: 'redacted', count: 2 },
      { type: 'notice', text: 'Approaching the step limit.' },
      { type: 'text', text: 'Fixed.' },
    );
    await settle();
    expect(turn()?.items.map((item) => item.kind)).toEqual(['text', 'tool', 'tool', 'notice', 'text']);
    expect(turn()?.items[1]).toMatchObject({ status: 'done', result: 'import …' });
    expect(turn()?.items[2]).toMatchObject({ status: 'done', edit: EDIT });
    expect(turn()).toMatchObject({ checkpointId: 7, redactions: 2 });
    // the chat's answer carries the text so far (what the next question sends back to the model)
    expect(chat.messages.value.at(-1)?.content).toBe('Reading the test. Fixed.');
    end(stream, agentAnswer({ text: 'Reading the test. Fixed.', redactions: 1 }));
    await sending;
    expect(turn()).toMatchObject({
      running: false,
      edits: [EDIT],
      checkpointId: 7,
      redactions: 2,
      rules: ['AGENTS.md'],
      answer: { stopReason: 'done', toolCalls: 2 },
      error: null,
    });
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: 'Reading the test. Fixed.',
      route: answerOf('').route,
      agentTurn: id,
    });
    expect(chat.streaming.value).toBe(false);
    // saved like an Ask answer, without the window's turn id
    expect(saved).toEqual([
      {
        title: 'fix multiply',
        messages: [
          { role: 'user', content: 'fix multiply' },
          { role: 'assistant', content: 'Reading the test. Fixed.', route: answerOf('').route },
        ],
      },
    ]);
  });

  it('merges pieces of text, but text after a tool call starts a new stretch', async () => {
    const { engine, agent } = setup();
    const { stream, sending, turn } = await start(agent, engine);
    emit(stream, { type: 'text', text: 'A' }, { type: 'text', text: '' }, { type: 'text', text: 'B' });
    emit(stream, { type: 'tool-start', id: 'c1', name: 'list_files', kind: 'read', arguments: {} });
    emit(stream, { type: 'text', text: 'C' }, { type: 'text', text: 'D' });
    await settle();
    expect(turn()?.items.filter((item) => item.kind === 'text')).toEqual([
      { kind: 'text', text: 'AB' },
      { kind: 'text', text: 'CD' },
    ]);
    end(stream, agentAnswer({ text: 'ABCD', edits: [], checkpointId: null }));
    await sending;
  });

  it('Ask stays the chat’s ai.chat; Plan sends mode plan with the picked provider and the conversation so far', async () => {
    const { engine, chat, agent } = setup();
    agent.mode.set('ask');
    const asking = agent.send('what is this?');
    await settle();
    expect(engine.last().method).toBe('ai.chat');
    expect(engine.last().params).toEqual({ messages: [{ role: 'user', content: 'what is this?' }] });
    engine.last().answer(answerOf('A calculator.'));
    await asking;
    expect(chat.messages.value.at(-1)).not.toHaveProperty('agentTurn');
    agent.mode.set('plan');
    chat.model.set('kimi');
    const { stream, sending, turn } = await start(agent, engine, 'plan the fix');
    expect(stream.params).toEqual({
      messages: [
        { role: 'user', content: 'what is this?' },
        { role: 'assistant', content: 'A calculator.' },
        { role: 'user', content: 'plan the fix' },
      ],
      mode: 'plan',
      provider: 'kimi',
    });
    expect(turn()).toMatchObject({ mode: 'plan', picked: 'kimi' });
    end(stream, agentAnswer({ mode: 'plan', text: '1. change it', edits: [], checkpointId: null }));
    await sending;
    expect(turn()?.checkpointId).toBeNull();
  });

  it('answers an approval card once: agent.approve is called once, the card is done, the tool runs on', async () => {
    const { engine, agent } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    emit(
      stream,
      { type: 'tool-start', id: 'c1', name: 'run_command', kind: 'execute', arguments: { command: 'npm test' } },
      {
        type: 'approval',
        approvalId: 'a1',
        callId: 'c1',
        name: 'run_command',
        kind: 'execute',
        summary: 'run `npm test`',
        arguments: { command: 'npm test' },
      },
    );
    await settle();
    expect(turn()?.items).toMatchObject([
      { kind: 'tool', status: 'awaiting' },
      { kind: 'approval', approvalId: 'a1', summary: 'run `npm test`', choice: null, expired: false },
    ]);
    const approving = agent.approve(id, 'a1', 'always');
    // the buttons go at once; a second click (or another button) sends nothing
    expect(turn()?.items[1]).toMatchObject({ choice: 'always', sending: true });
    await agent.approve(id, 'a1', 'deny');
    await approving;
    expect(engine.calls.calls.filter((call) => call.method === 'agent.approve')).toEqual([
      { method: 'agent.approve', params: { approvalId: 'a1', choice: 'always' } },
    ]);
    expect(turn()?.items).toMatchObject([
      { kind: 'tool', status: 'running' },
      { kind: 'approval', choice: 'always', sending: false },
    ]);
    emit(stream, { type: 'output', id: 'c1', text: '> test\n' }, { type: 'output', id: 'c1', text: 'ok 1\n' });
    emit(stream, { type: 'tool-end', id: 'c1', name: 'run_command', isError: false, denied: false, result: 'exit 0' });
    await settle();
    expect(turn()?.items[0]).toMatchObject({ status: 'done', output: '> test\nok 1\n', outputCut: false });
    end(stream, agentAnswer());
    await sending;
  });

  it('a denied call shows as denied; a card left unanswered when the turn ends can no longer be answered', async () => {
    const { engine, agent } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    const approval = (approvalId: string, callId: string): AgentEvent => ({
      type: 'approval',
      approvalId,
      callId,
      name: 'edit_file',
      kind: 'write',
      summary: 'edit src/math.js',
      arguments: { path: 'src/math.js' },
    });
    emit(
      stream,
      { type: 'tool-start', id: 'c1', name: 'edit_file', kind: 'write', arguments: {} },
      approval('a1', 'c1'),
    );
    await settle();
    await agent.approve(id, 'a1', 'deny');
    expect(turn()?.items[0]).toMatchObject({ status: 'awaiting' });
    emit(stream, {
      type: 'tool-end',
      id: 'c1',
      name: 'edit_file',
      isError: true,
      denied: true,
      result: 'Not allowed: the user denied it.',
    });
    emit(
      stream,
      { type: 'tool-start', id: 'c2', name: 'edit_file', kind: 'write', arguments: {} },
      approval('a2', 'c2'),
    );
    await settle();
    expect(turn()?.items[0]).toMatchObject({ status: 'denied' });
    end(stream, agentAnswer({ edits: [], checkpointId: null }));
    await sending;
    expect(turn()?.items.at(-1)).toMatchObject({ kind: 'approval', approvalId: 'a2', choice: null, expired: true });
    expect(turn()?.items[2]).toMatchObject({ kind: 'tool', status: 'error' });
    await agent.approve(id, 'a2', 'once');
    expect(engine.calls.calls.filter((call) => call.method === 'agent.approve')).toHaveLength(1);
  });

  it('a failed approve brings the buttons back; one whose turn is gone expires', async () => {
    const { engine, agent } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    emit(
      stream,
      { type: 'tool-start', id: 'c1', name: 'edit_file', kind: 'write', arguments: {} },
      {
        type: 'approval',
        approvalId: 'a1',
        callId: 'c1',
        name: 'edit_file',
        kind: 'write',
        summary: 'edit a',
        arguments: {},
      },
    );
    await settle();
    engine.calls.answer('agent.approve', async () => {
      throw new PaError(ErrorCode.INTERNAL, 'socket closed');
    });
    await agent.approve(id, 'a1', 'once');
    expect(turn()?.items[1]).toMatchObject({ choice: null, sending: false, expired: false, error: 'socket closed' });
    engine.calls.answer('agent.approve', async () => {
      throw new PaError(ErrorCode.NOT_FOUND, 'No approval waits under that id (the turn may have ended).');
    });
    await agent.approve(id, 'a1', 'once');
    expect(turn()?.items[1]).toMatchObject({ choice: 'once', expired: true });
    end(stream, agentAnswer());
    await sending;
  });

  it('Stop cancels the stream: the engine is told, a running command shows as stopped, the text is kept', async () => {
    const { engine, chat, agent, saved } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    emit(
      stream,
      { type: 'text', text: 'Running the tests.' },
      { type: 'tool-start', id: 'c1', name: 'run_command', kind: 'execute', arguments: { command: 'npm test' } },
      { type: 'output', id: 'c1', text: 'running…' },
    );
    await settle();
    agent.stop();
    await sending;
    expect(stream.cancelled).toBe(true);
    expect(turn()).toMatchObject({ running: false, cancelled: true, error: 'The request was cancelled.' });
    expect(turn()?.items[1]).toMatchObject({ kind: 'tool', status: 'stopped', output: 'running…' });
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: 'Running the tests.',
      error: 'The request was cancelled.',
      agentTurn: id,
    });
    expect(chat.streaming.value).toBe(false);
    expect(saved).toHaveLength(1);
  });

  it('a failed turn keeps its transcript and says why', async () => {
    const { engine, agent } = setup();
    const { stream, sending, turn } = await start(agent, engine);
    emit(stream, { type: 'text', text: 'Looking.' });
    await settle();
    stream.fail(new PaError(ErrorCode.PROVIDER, 'oai went silent.'));
    await sending;
    expect(turn()).toMatchObject({ running: false, cancelled: false, error: 'oai went silent.' });
    expect(turn()?.items).toEqual([{ kind: 'text', text: 'Looking.' }]);
  });

  it('keeps a command’s output bounded to its last part', async () => {
    const { engine, agent } = setup();
    const { stream, sending, turn } = await start(agent, engine);
    emit(stream, { type: 'tool-start', id: 'c1', name: 'run_command', kind: 'execute', arguments: {} });
    emit(stream, { type: 'output', id: 'c1', text: 'x'.repeat(OUTPUT_CHARS) });
    emit(stream, { type: 'output', id: 'c1', text: 'THE END' });
    await settle();
    const tool = turn()?.items[0];
    expect(tool?.kind === 'tool' && tool.output.length).toBe(OUTPUT_CHARS);
    expect(tool).toMatchObject({ outputCut: true });
    expect(tool?.kind === 'tool' && tool.output.endsWith('THE END')).toBe(true);
    end(stream, agentAnswer());
    await sending;
  });

  it('restores to the turn: conflicts are listed, "Restore anyway" forces, "Undo restore" restores the undo checkpoint', async () => {
    const { engine, agent } = setup();
    const { stream, id, sending, turn } = await start(agent, engine);
    end(stream, agentAnswer({ checkpointId: 7 }));
    await sending;
    const answers: RestoreAnswer[] = [
      { restored: [], conflicts: [{ path: 'src/math.js', reason: 'edited' }], undoCheckpointId: null },
      { restored: ['src/math.js'], conflicts: [], undoCheckpointId: 9 },
      { restored: ['src/math.js'], conflicts: [], undoCheckpointId: 10 },
    ];
    const held = deferred<RestoreAnswer>();
    let first = true;
    engine.calls.answer('agent.restore', () => {
      if (first) {
        first = false;
        return held.promise;
      }
      return answers.shift() as RestoreAnswer;
    });
    const restoring = agent.restore(id);
    expect(turn()?.restore.phase).toBe('busy');
    // a second click while it is on its way sends nothing
    await agent.restore(id);
    held.resolve(answers.shift() as RestoreAnswer);
    await restoring;
    expect(turn()?.restore).toMatchObject({
      phase: 'restored',
      restored: [],
      conflicts: [{ path: 'src/math.js', reason: 'edited' }],
      undoCheckpointId: null,
      forced: false,
    });
    await agent.restore(id, true);
    expect(turn()?.restore).toMatchObject({ phase: 'restored', restored: ['src/math.js'], undoCheckpointId: 9 });
    expect(turn()?.restore.conflicts).toEqual([]);
    await agent.undoRestore(id);
    expect(turn()?.restore).toMatchObject({ phase: 'undone', undoCheckpointId: null });
    expect(engine.calls.calls.filter((call) => call.method === 'agent.restore').map((call) => call.params)).toEqual([
      { checkpointId: 7, force: false },
      { checkpointId: 7, force: true },
      { checkpointId: 9, force: false },
    ]);
    // nothing to undo any more
    await agent.undoRestore(id);
    expect(engine.calls.calls.filter((call) => call.method === 'agent.restore')).toHaveLength(3);
  });

  it('a failed restore says why and can be tried again; a turn without a checkpoint has nothing to restore', async () => {
    const { engine, agent } = setup();
    const first = await start(agent, engine);
    end(first.stream, agentAnswer({ checkpointId: null, edits: [] }));
    await first.sending;
    await agent.restore(first.id);
    expect(engine.calls.methods()).not.toContain('agent.restore');
    const second = await start(agent, engine, 'again');
    end(second.stream, agentAnswer({ checkpointId: 3 }));
    await second.sending;
    engine.calls.answer('agent.restore', async () => {
      throw new PaError(ErrorCode.NOT_FOUND, 'No checkpoint 3.');
    });
    await agent.restore(second.id);
    expect(second.turn()?.restore).toMatchObject({ phase: 'idle', error: 'No checkpoint 3.' });
  });

  it('Keep takes one file out of the review, Keep all the rest', async () => {
    const { engine, agent } = setup();
    const other = { path: 'src/b.js', kind: 'created' as const, diff: '' };
    const { stream, id, sending, turn } = await start(agent, engine);
    end(stream, agentAnswer({ edits: [EDIT, other] }));
    await sending;
    agent.keep(id, 'src/math.js');
    agent.keep(id, 'src/math.js');
    expect(turn()?.kept).toEqual(['src/math.js']);
    agent.keepAll(id);
    expect(turn()?.kept).toEqual(['src/math.js', 'src/b.js']);
  });

  it('Reject restores one file (a rename by both paths), a conflict waits on "Reject anyway", Undo brings it back', async () => {
    const { engine, agent } = setup();
    const renamed = { path: 'src/new.js', from: 'src/old.js', kind: 'renamed' as const, diff: '' };
    const { stream, id, sending, turn } = await start(agent, engine);
    end(stream, agentAnswer({ edits: [EDIT, renamed] }));
    await sending;
    const answers: RestoreAnswer[] = [
      { restored: ['src/old.js', 'src/new.js'], conflicts: [], undoCheckpointId: 11 },
      { restored: [], conflicts: [{ path: 'src/math.js', reason: 'edited' }], undoCheckpointId: null },
      { restored: ['src/math.js'], conflicts: [], undoCheckpointId: 12 },
    ];
    engine.calls.answer('agent.restoreFiles', async () => answers.shift() as RestoreAnswer);
    engine.calls.answer('agent.restore', async () => ({
      restored: ['src/math.js'],
      conflicts: [],
      undoCheckpointId: 13,
    }));
    await agent.reject(id, renamed);
    expect(turn()?.rejected['src/new.js']).toMatchObject({ phase: 'rejected', undoCheckpointId: 11 });
    await agent.reject(id, EDIT);
    expect(turn()?.rejected['src/math.js']).toMatchObject({ phase: 'conflict', reason: 'edited' });
    await agent.reject(id, EDIT, true);
    expect(turn()?.rejected['src/math.js']).toMatchObject({ phase: 'rejected', undoCheckpointId: 12 });
    expect(
      engine.calls.calls.filter((call) => call.method === 'agent.restoreFiles').map((call) => call.params),
    ).toEqual([
      { checkpointId: 7, paths: ['src/old.js', 'src/new.js'], force: false },
      { checkpointId: 7, paths: ['src/math.js'], force: false },
      { checkpointId: 7, paths: ['src/math.js'], force: true },
    ]);
    // Accept all leaves the rejected files out
    agent.keepAll(id);
    expect(turn()?.kept).toEqual([]);
    await agent.undoReject(id, 'src/math.js');
    expect(engine.calls.calls.filter((call) => call.method === 'agent.restore').map((call) => call.params)).toEqual([
      { checkpointId: 12, force: false },
    ]);
    expect(turn()?.rejected['src/math.js']).toBeUndefined();
    agent.keepAll(id);
    expect(turn()?.kept).toEqual(['src/math.js']);
  });

  it('"Run this plan" starts an Agent turn with the plan as its instruction and its steps', async () => {
    const { engine, agent, chat } = setup();
    agent.mode.set('plan');
    const planned = await start(agent, engine, 'plan the fix');
    const plan = 'The plan:\n1. Change `multiply` in src/math.js to return a * b.\n2. Run `npm test`.';
    end(planned.stream, agentAnswer({ mode: 'plan', text: plan, edits: [], checkpointId: null }));
    await planned.sending;
    const running = agent.runPlan(planned.id);
    await settle();
    const stream = engine.last();
    expect(agent.mode.value).toBe('agent');
    const params = stream.params as { mode: string; messages: Array<{ role: string; content: string }> };
    expect(params.mode).toBe('agent');
    expect(params.messages.at(-1)?.content).toBe(`Carry out this plan, step by step:\n\n${plan}`);
    const runId = planned.turn()?.planRun as string;
    expect(agent.turn(runId)?.plan).toEqual(['Change `multiply` in src/math.js to return a * b.', 'Run `npm test`.']);
    // while it runs, and for a turn that is not a plan, nothing more starts
    await agent.runPlan(planned.id);
    await agent.runPlan(runId);
    expect(engine.streams.filter((item) => item.method === 'agent.run')).toHaveLength(2);
    end(stream, agentAnswer());
    await running;
    expect(chat.messages.value.filter((message) => message.role === 'user')).toHaveLength(2);
    expect(planSteps('no numbered lines here')).toEqual(['no numbered lines here']);
  });

  it('with an integrated terminal, asks for commands there and reveals the terminal the command runs in', async () => {
    const revealed: string[] = [];
    terminalBridge.set({ size: () => ({ cols: 120, rows: 30 }), reveal: async (id) => void revealed.push(id) });
    try {
      const { engine, agent } = setup();
      const { stream, turn, sending } = await start(agent, engine);
      expect((stream.params as { terminal?: unknown }).terminal).toEqual({ cols: 120, rows: 30 });
      emit(
        stream,
        { type: 'tool-start', id: 'c1', name: 'run_command', kind: 'execute', arguments: { command: 'npm test' } },
        { type: 'terminal', id: 'c1', terminalId: 't4', name: 'Agent: npm test' },
      );
      await settle();
      expect(revealed).toEqual(['t4']);
      expect(turn()?.items[0]).toMatchObject({ kind: 'tool', terminal: { id: 't4', name: 'Agent: npm test' } });
      agent.showTerminal('t4');
      expect(revealed).toEqual(['t4', 't4']);
      end(stream, agentAnswer());
      await sending;
    } finally {
      terminalBridge.set(null);
    }
  });
});
