// Renders an answer: Markdown through marked and the chat allow-list (answer-html.ts), with code blocks as
// components that offer "Insert at cursor" and "Apply to file".
import { useMemo } from 'react';
import { answerParts } from './answer-html';

export interface CodeActions {
  insert(code: string): void;
  apply(code: string): void;
}

export function Markdown({ text, actions }: { text: string; actions: CodeActions }) {
  const parts = useMemo(() => answerParts(text), [text]);
  return (
    <div className="ai-markdown">
      {parts.map((part, index) =>
        part.kind === 'html' ? (
          // biome-ignore lint/security/noDangerouslySetInnerHtml: cut to the chat allow-list by answerParts
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one answer keep their order
          <div key={index} dangerouslySetInnerHTML={{ __html: part.html }} />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one answer keep their order
          <div key={index} className="ai-code">
            <div className="ai-code__bar">
              <span className="ai-code__lang">{part.lang || 'code'}</span>
              <button type="button" onClick={() => actions.insert(part.code)}>
                Insert at cursor
              </button>
              <button type="button" onClick={() => actions.apply(part.code)}>
                Apply to file
              </button>
            </div>
            <pre>
              <code>{part.code}</code>
            </pre>
          </div>
        ),
      )}
    </div>
  );
}
