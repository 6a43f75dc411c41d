// The chat panel: conversation with streamed Markdown answers, "answered by" under each, a model picker
// (Auto + each provider), the tools the model used, stop, context attachment, `@` mentions with the context they
// added ("Used context", each piece a link into the file) and the workspace's conversation history. The mode selector
// sends Plan and Agent questions through the agent feature (agent/), whose turns render their own transcript.
import type { ContextMention, RouteInfo, ToolUse, UsedContext } from '@pa/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AgentTurnView, ModeSelector } from '../agent/AgentTurn';
import type { AgentController } from '../agent/agent-controller';
import { baseName } from '../explorer/tree';
import { useObservable } from '../workbench/observable';
import { splitAttachment } from './attachment';
import { AUTO, type ChatController, type ChatMessage } from './chat-controller';
import { Markdown } from './Markdown';
import { MentionInput } from './MentionInput';
import { mentionSegments } from './mentions';

function AnsweredBy({ route }: { route: RouteInfo }) {
  return (
    <div className="ai-route" data-testid="ai-answered-by" title={route.reasons.join(' · ')}>
      answered by <strong>{route.providerId}</strong> · {route.model}
      {route.fallbacks.map((fallback) => (
        <span key={fallback.providerId} className="ai-route__fallback">
          {' '}
          · fell back from {fallback.providerId} ({fallback.reason})
        </span>
      ))}
    </div>
  );
}

/** One collapsed line per tool call; opening it shows the arguments and the start of what the tool answered. */
function ToolCalls({ calls }: { calls: ToolUse[] }) {
  return (
    <div className="ai-tools">
      {calls.map((use, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed once the answer is done
        <details key={index} className={`ai-tool${use.isError ? ' ai-tool--error' : ''}`} data-testid="ai-tool-call">
          <summary>
            used tool <strong>{use.tool}</strong>
            {use.server && <span className="ai-tool__server"> · {use.server}</span>}
            {use.isError && <span className="ai-tool__failed"> · failed</span>}
          </summary>
          <pre className="ai-tool__body">
            {JSON.stringify(use.arguments, null, 2)}
            {'\n→ '}
            {use.result}
          </pre>
        </details>
      ))}
    </div>
  );
}

/** How a mention reads as a chip in a question: what it names, not its raw token. */
function mentionLabel(mention: ContextMention): { label: string; title: string } {
  switch (mention.kind) {
    case 'codebase':
      return { label: 'codebase', title: 'The code of the workspace that best matches the question' };
    case 'file':
      return { label: baseName(mention.path), title: mention.path };
    case 'folder':
      return {
        label: `${mention.path || '.'}/`,
        title: `The best-matching code in ${mention.path || 'the workspace'}`,
      };
    case 'search':
      return { label: `“${mention.query}”`, title: `Code that matches ${mention.query}` };
  }
}

/** The question's text with its `@` tokens as chips. */
function QuestionText({ text }: { text: string }) {
  return (
    <>
      {mentionSegments(text).map((segment, index) => {
        if (segment.kind === 'text') return segment.text;
        const { label, title } = mentionLabel(segment.mention);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the segments of one stored question never change
          <span key={index} className="ai-mention" title={title} data-testid="ai-mention">
            <span className="ai-mention__at">@</span>
            {label}
          </span>
        );
      })}
    </>
  );
}

/** A question as typed, with the file or selection it carries as a chip (its text in the tooltip). */
function UserMessage({ content }: { content: string }) {
  const { question, attachment } = splitAttachment(content);
  return (
    <div className="ai-message__user">
      <QuestionText text={question} />
      {attachment && (
        <div className="ai-attachment" data-testid="ai-attachment" title={attachment.text.slice(0, 2_000)}>
          <svg className="ai-attachment__icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
            <path
              d="M10.5 4.5 5.8 9.2a1.2 1.2 0 0 0 1.7 1.7l5-5a2.5 2.5 0 0 0-3.5-3.5l-5 5a3.8 3.8 0 0 0 5.3 5.3l4.2-4.2"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.3"
              strokeLinecap="round"
            />
          </svg>
          <span className="ai-attachment__path">{attachment.path}</span>
          <span className="ai-attachment__lines">
            {attachment.lines
              ? attachment.lines.from === attachment.lines.to
                ? `line ${attachment.lines.from}`
                : `lines ${attachment.lines.from}–${attachment.lines.to}`
              : 'whole file'}
          </span>
        </div>
      )}
    </div>
  );
}

/** The context the question's mentions added, collapsed to one line; each piece opens its file at its lines. */
function UsedContextBlock({ context, onOpen }: { context: UsedContext[]; onOpen(path: string, line: number): void }) {
  return (
    <details className="ai-context" data-testid="ai-used-context">
      <summary>
        Used context <span className="ai-context__count">({context.length})</span>
      </summary>
      <ul className="ai-context__list">
        {context.map((piece) => {
          const lines =
            piece.startLine === piece.endLine ? `${piece.startLine}` : `${piece.startLine}-${piece.endLine}`;
          return (
            <li key={`${piece.path}:${lines}`}>
              <button
                type="button"
                className="ai-context__link"
                title={`Open ${piece.path} at line ${piece.startLine} (${piece.chars.toLocaleString('en-US')} characters sent)`}
                onClick={() => onOpen(piece.path, piece.startLine)}
              >
                <span className="ai-context__path">
                  {piece.path}:{lines}
                </span>
                {piece.name && <span className="ai-context__name">({piece.name})</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** The context stored on the question an answer belongs to (the message before it). */
function contextBefore(messages: readonly ChatMessage[], index: number): UsedContext[] | null {
  const question = messages[index - 1];
  return question?.role === 'user' && question.context && question.context.length > 0 ? question.context : null;
}

const PLACEHOLDER = {
  ask: 'Ask the AI… (@ to add context, Enter to send, Shift+Enter for a new line)',
  plan: 'Describe what to plan… (the agent reads, changes nothing)',
  agent: 'Tell the agent what to do… (it edits files and runs commands, asking first)',
} as const;

export function ChatView({ chat, agent }: { chat: ChatController; agent: AgentController }) {
  const messages = useObservable(chat.messages);
  const streaming = useObservable(chat.streaming);
  const providers = useObservable(chat.providers);
  const model = useObservable(chat.model);
  const history = useObservable(chat.history);
  const conversationId = useObservable(chat.conversationId);
  const attach = useObservable(chat.attachContext);
  const mode = useObservable(agent.mode);
  const turns = useObservable(agent.turns);
  const [draft, setDraft] = useState('');
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void chat.refresh().catch(() => {});
  }, [chat]);
  const lastLength = messages.at(-1)?.content.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the answer (and an agent turn's cards) as it grows
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length, lastLength, turns]);

  const send = () => {
    const text = draft;
    setDraft('');
    void agent.send(text);
  };
  const actions = {
    insert: (code: string) => chat.insertAtCursor(code),
    apply: (code: string) => chat.applyToFile(code),
    open: (path: string, line: number) => chat.openAt(path, line),
  };
  const loadFiles = useCallback(() => chat.files(), [chat]);

  return (
    <div className="ai-chat" data-testid="ai-chat">
      <div className="ai-chat__toolbar">
        <ModeSelector agent={agent} disabled={streaming} />
        <div className="ai-chat__pickers">
          <select
            aria-label="Conversation"
            value={conversationId ?? ''}
            onChange={(event) => (event.target.value ? void chat.open(event.target.value) : chat.newConversation())}
          >
            <option value="">New conversation</option>
            {history.map((item) => (
              <option key={item.id} value={item.id}>
                {item.title}
              </option>
            ))}
          </select>
          <select
            aria-label="Model"
            data-testid="ai-model-picker"
            value={model}
            onFocus={() => void chat.refresh().catch(() => {})}
            onChange={(event) => chat.model.set(event.target.value)}
          >
            <option value={AUTO}>Auto</option>
            {providers.map((provider) => (
              <option key={provider.id} value={provider.id} disabled={!provider.licensed || !provider.enabled}>
                {provider.label ?? provider.id}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="ai-chat__messages">
        {messages.length === 0 && mode === 'ask' && (
          <div className="ai-chat__empty">
            Ask about your code. Type @ to add a file, a folder or the whole codebase as context; code blocks in answers
            can go straight into the editor.
          </div>
        )}
        {messages.length === 0 && mode !== 'ask' && (
          <div className="ai-chat__empty">
            {mode === 'plan'
              ? 'Plan mode: the agent reads the workspace and answers with a plan. It changes nothing.'
              : 'Agent mode: the agent reads and edits files and runs commands. It asks before anything the workspace does not allow, and every turn can be restored.'}
          </div>
        )}
        {messages.map((message, index) => {
          const context = message.role === 'assistant' ? contextBefore(messages, index) : null;
          return (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: a conversation only grows at its end
              key={index}
              className={`ai-message ai-message--${message.role}`}
              data-testid={`ai-message-${message.role}`}
            >
              {message.role === 'user' ? (
                <UserMessage content={message.content} />
              ) : message.agentTurn ? (
                <AgentTurnView agent={agent} turnId={message.agentTurn} actions={actions} />
              ) : (
                <>
                  {context && <UsedContextBlock context={context} onOpen={actions.open} />}
                  {message.toolCalls && message.toolCalls.length > 0 && <ToolCalls calls={message.toolCalls} />}
                  <Markdown text={message.content} actions={actions} />
                  {message.streaming && <span className="ai-cursor" title="answering" />}
                  {message.error && <div className="ai-message__error">{message.error}</div>}
                  {message.route && <AnsweredBy route={message.route} />}
                </>
              )}
            </div>
          );
        })}
        <div ref={end} />
      </div>
      <div className="ai-chat__composer">
        <MentionInput
          value={draft}
          onChange={setDraft}
          onSend={send}
          loadFiles={loadFiles}
          placeholder={PLACEHOLDER[mode]}
        />
        <div className="ai-chat__actions">
          <label className="ai-check">
            <input
              type="checkbox"
              checked={attach}
              onChange={(event) => chat.attachContext.set(event.target.checked)}
            />
            Attach current file or selection
          </label>
          {streaming ? (
            <button
              type="button"
              className="ai-button ai-button--danger"
              data-testid="ai-stop"
              onClick={() => chat.stop()}
            >
              Stop
            </button>
          ) : (
            <button
              type="button"
              className="ai-button ai-button--primary"
              data-testid="ai-send"
              onClick={send}
              disabled={!draft.trim()}
            >
              Send
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
