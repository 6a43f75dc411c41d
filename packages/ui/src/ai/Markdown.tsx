// Renders an answer: Markdown through marked + DOMPurify, with code blocks as components that offer
// "Insert at cursor" and "Apply to file".
import DOMPurify from 'dompurify';
import { marked, type Token, type Tokens } from 'marked';
import { useMemo } from 'react';

export interface CodeActions {
  insert(code: string): void;
  apply(code: string): void;
}

type Part = { kind: 'html'; html: string } | { kind: 'code'; code: string; lang: string };

function split(markdown: string): Part[] {
  const tokens = marked.lexer(markdown);
  const parts: Part[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const list = Object.assign(pending, { links: tokens.links });
    parts.push({ kind: 'html', html: DOMPurify.sanitize(marked.parser(list)) });
    pending = [];
  };
  for (const token of tokens) {
    if (token.type === 'code') {
      flush();
      const code = token as Tokens.Code;
      parts.push({ kind: 'code', code: code.text, lang: code.lang ?? '' });
    } else pending.push(token);
  }
  flush();
  return parts;
}

export function Markdown({ text, actions }: { text: string; actions: CodeActions }) {
  const parts = useMemo(() => split(text), [text]);
  return (
    <div className="ai-markdown">
      {parts.map((part, index) =>
        part.kind === 'html' ? (
          // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify just above
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
