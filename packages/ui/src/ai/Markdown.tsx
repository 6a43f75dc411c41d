// Renders an answer: Markdown through marked and the chat allow-list (answer-html.ts), with code blocks as
// components that offer "Insert at cursor" and "Apply to file", and `path:line` citations that open the file.
import { type KeyboardEvent, type MouseEvent, useMemo } from 'react';
import { answerParts, CITATION_CLASS } from './answer-html';

export interface CodeActions {
  insert(code: string): void;
  apply(code: string): void;
  /** Opens a cited file at a line. */
  open(path: string, line: number): void;
}

export function Markdown({ text, actions }: { text: string; actions: CodeActions }) {
  const parts = useMemo(() => answerParts(text), [text]);
  // one listener for every citation link of the answer (they are inside the sanitised HTML, not components)
  const openCitation = (event: MouseEvent | KeyboardEvent) => {
    if ('key' in event && event.key !== 'Enter') return;
    const target = event.target instanceof Element ? event.target.closest(`a.${CITATION_CLASS}`) : null;
    if (!(target instanceof HTMLElement)) return;
    const { path, line } = target.dataset;
    if (!path || !line) return;
    event.preventDefault();
    actions.open(path, Number(line));
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the citation links inside take the click and Enter
    <div className="ai-markdown" onClick={openCitation} onKeyDown={openCitation}>
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
