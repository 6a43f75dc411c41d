import { defaultSettings, ErrorCode, PaError, type Settings } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { AiStreamsEngine, answerOf, settle } from '../testing/ai-streams';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { ChatController, modelContent } from './chat-controller';

function setup() {
  const engine = new AiStreamsEngine();
  const saved: unknown[] = [];
  engine.calls.answer('ai.conversations.save', async (params) => {
    saved.push(params);
    return { id: 'c1' };
  });
  engine.calls.answer('ai.conversations.list', async () => ({ items: [{ id: 'c1', title: 'Hi', updatedAt: 1 }] }));
  const notes: string[] = [];
  const api = { client: engine.client, notify: (message: string) => notes.push(message) } as unknown as WorkbenchApi;
  return { engine, chat: new ChatController(api), saved, notes };
}

describe('ChatController', () => {
  it('streams the answer into the last message, then shows who answered and saves the conversation', async () => {
    const { engine, chat, saved } = setup();
    const sending = chat.send('Hi');
    await settle();
    const stream = engine.last();
    expect(stream.method).toBe('ai.chat');
    expect(stream.params).toEqual({ messages: [{ role: 'user', content: 'Hi' }] });
    stream.tokens('Hel', 'lo');
    await settle();
    expect(chat.messages.value.at(-1)).toMatchObject({ role: 'assistant', content: 'Hello', streaming: true });
    expect(chat.streaming.value).toBe(true);
    stream.answer(answerOf('Hello!'));
    await sending;
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: 'Hello!',
      route: answerOf('').route,
    });
    expect(chat.streaming.value).toBe(false);
    expect(saved).toHaveLength(1);
    expect(chat.conversationId.value).toBe('c1');
  });

  it('starts on the model and the Attach box Settings › AI name, and follows a change of them at once', async () => {
    const { engine, chat } = setup();
    const settings = new Observable<Settings>({
      ...defaultSettings,
      'ai.chat.defaultModel': 'kimi',
      'ai.chat.attachActiveFile': true,
    });
    const stop = chat.followSettings(settings);
    expect(chat.model.value).toBe('kimi');
    expect(chat.attachContext.value).toBe(true);
    // a choice in the panel stands while the setting stays, even when another setting changes
    chat.model.set('claude');
    settings.set({ ...settings.value, 'editor.fontSize': 20 });
    expect(chat.model.value).toBe('claude');
    settings.set({ ...settings.value, 'ai.chat.defaultModel': '', 'ai.chat.attachActiveFile': false });
    expect(chat.model.value).toBe('');
    expect(chat.attachContext.value).toBe(false);
    const sending = chat.send('Hi');
    await settle();
    expect(engine.last().params).toEqual({ messages: [{ role: 'user', content: 'Hi' }] });
    engine.last().answer(answerOf('ok'));
    await sending;
    stop();
    settings.set({ ...settings.value, 'ai.chat.defaultModel': 'kimi' });
    expect(chat.model.value).toBe('');
  });

  it('pins the picked provider', async () => {
    const { engine, chat } = setup();
    chat.model.set('kimi');
    const sending = chat.send('Hi');
    await settle();
    expect(engine.last().params).toMatchObject({ provider: 'kimi' });
    engine.last().answer(answerOf('ok'));
    await sending;
  });

  it('keeps what arrived of a failed answer, with the error and the route', async () => {
    const { engine, chat } = setup();
    const sending = chat.send('Hi');
    await settle();
    engine.last().tokens('half an');
    const route = answerOf('').route;
    engine.last().fail(new PaError(ErrorCode.PROVIDER, 'good went silent.', { partial: 'half an', route }));
    await sending;
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: 'half an',
      error: 'good went silent.',
      route,
    });
    expect(chat.streaming.value).toBe(false);
  });

  it('shows a refusal before any token (an unlicensed provider) as the answer’s error', async () => {
    const { engine, chat } = setup();
    const sending = chat.send('Hi');
    await settle();
    engine.last().fail(new PaError(ErrorCode.LICENSE, 'Your edition does not include remote models.'));
    await sending;
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: '',
      error: 'Your edition does not include remote models.',
    });
  });

  it('Stop cancels the stream: the engine is told, the text so far is kept and says it was stopped', async () => {
    const { engine, chat, saved } = setup();
    const sending = chat.send('Hi');
    await settle();
    engine.last().tokens('Once upon');
    await settle();
    chat.stop();
    await sending;
    expect(engine.last().cancelled).toBe(true);
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: 'Once upon',
      error: 'The request was cancelled.',
    });
    expect(chat.streaming.value).toBe(false);
    expect(saved).toHaveLength(1);
  });

  it('a new conversation stops the answer streaming and saves nothing of the old one', async () => {
    const { engine, chat, saved } = setup();
    const sending = chat.send('Hi');
    await settle();
    engine.last().tokens('Once');
    chat.newConversation();
    await sending;
    expect(engine.last().cancelled).toBe(true);
    expect(chat.messages.value).toEqual([]);
    expect(saved).toHaveLength(0);
  });

  it('sends @ mentions with the question in plain words, and keeps the used context on the question', async () => {
    const { engine, chat, saved } = setup();
    const sending = chat.send('@codebase where do we remove a user account?');
    await settle();
    expect(engine.last().params).toEqual({
      messages: [{ role: 'user', content: 'where do we remove a user account?' }],
      mentions: [{ kind: 'codebase' }],
    });
    const context = [
      {
        source: 'codebase' as const,
        path: 'src/users.ts',
        startLine: 12,
        endLine: 20,
        name: 'deleteAccount',
        chars: 180,
      },
    ];
    engine.last().items({ text: '', context }, { text: 'See src/users.ts:12.' });
    await settle();
    // the question shows as typed, tokens and all; the context sits on it, above the answer streaming in
    expect(chat.messages.value[0]).toEqual({
      role: 'user',
      content: '@codebase where do we remove a user account?',
      context,
    });
    expect(chat.messages.value[1]).toMatchObject({ content: 'See src/users.ts:12.', streaming: true });
    engine.last().answer({ ...answerOf('See src/users.ts:12.'), context });
    await sending;
    expect(saved).toEqual([
      {
        title: 'where do we remove a user account?',
        messages: [
          { role: 'user', content: '@codebase where do we remove a user account?', context },
          { role: 'assistant', content: 'See src/users.ts:12.', route: answerOf('').route },
        ],
      },
    ]);
    // the next question sends the earlier one in plain words too, and only its own mentions
    const next = chat.send('and who calls it?');
    await settle();
    expect(engine.last().params).toEqual({
      messages: [
        { role: 'user', content: 'where do we remove a user account?' },
        { role: 'assistant', content: 'See src/users.ts:12.' },
        { role: 'user', content: 'and who calls it?' },
      ],
    });
    engine.last().answer(answerOf('main.ts'));
    await next;
  });

  it('shows a refused @file (excluded by .aiignore) as the answer’s error', async () => {
    const { engine, chat } = setup();
    const sending = chat.send('explain @file:secrets/keys.ts');
    await settle();
    expect(engine.last().params).toMatchObject({ mentions: [{ kind: 'file', path: 'secrets/keys.ts' }] });
    engine
      .last()
      .fail(new PaError(ErrorCode.FORBIDDEN, 'secrets/keys.ts is excluded from AI by .aiignore; it was not sent.'));
    await sending;
    expect(chat.messages.value.at(-1)).toEqual({
      role: 'assistant',
      content: '',
      error: 'secrets/keys.ts is excluded from AI by .aiignore; it was not sent.',
    });
  });

  it('reads a stored question with an attachment back as the model got it', () => {
    const content = '@file:src/a.ts what is this?\n\nContext from src/b.ts:\n```ts\n@codebase in the code\n```';
    expect(modelContent(content)).toBe(
      'src/a.ts what is this?\n\nContext from src/b.ts:\n```ts\n@codebase in the code\n```',
    );
  });
});
