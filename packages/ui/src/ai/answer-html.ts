// A chat answer as the parts the chat panel renders: prose as sanitised HTML, code blocks as plain text for the
// code-action component. Model output is untrusted (a prompt injection in any file it read can steer it), so the
// HTML is cut to an allow-list fit for chat: nothing that can restyle, cover, frame or submit the workbench.
import DOMPurify, { type Config } from 'dompurify';
import { marked, type Token, type Tokens } from 'marked';
import { PROSE_TAGS } from '../workbench/prose-tags';

/** The class and data attributes of a `path:line` citation the chat panel opens (added after sanitising). */
export const CITATION_CLASS = 'ai-cite';

export type AnswerPart = { kind: 'html'; html: string } | { kind: 'code'; code: string; lang: string };

/** No style, class or id: the workbench's own classes (overlays, modals) and ids must not be reachable. */
const CHAT_ATTRIBUTES = ['href', 'title', 'align', 'start'];

const CHAT_CONFIG: Config = {
  ALLOWED_TAGS: [...PROSE_TAGS],
  ALLOWED_ATTR: CHAT_ATTRIBUTES,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // web and mail links only: no javascript:, data:, file:, or relative paths into the engine's own server
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  // DOMPurify checks every other attribute's value against that pattern too; these two never hold a URL
  ADD_URI_SAFE_ATTR: ['align', 'start'],
};

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** Our own DOMPurify instance, so the link hook never reaches another caller's sanitising. */
function chatPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  // a link leaves the workbench: a new browser tab in browser mode, the OS browser in the desktop app
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return purifier;
}

/** Untrusted HTML cut to the chat allow-list; empty where no DOM can sanitise it (never passed through raw). */
export function sanitizeChatHtml(html: string): string {
  const instance = chatPurifier();
  return instance.isSupported ? instance.sanitize(html, CHAT_CONFIG) : '';
}

export function answerParts(markdown: string): AnswerPart[] {
  const tokens = marked.lexer(markdown);
  const parts: AnswerPart[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const list = Object.assign(pending, { links: tokens.links });
    parts.push({ kind: 'html', html: linkCitations(sanitizeChatHtml(marked.parser(list))) });
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

/**
 * `src/users.ts:42` or `src/users.ts:42-57` in prose or inline code: a relative path with an extension, a colon and a
 * line (the form the engine asks the model to cite in). Not inside a word, a URL or a longer path.
 */
const CITATION = /(?<![\w/.:@-])((?:[\w@.-]+\/)*[\w@-][\w@.-]*\.[A-Za-z][\w]{0,9}):(\d{1,7})(?:-(\d{1,7}))?(?![\w/])/g;

/**
 * Sanitised answer HTML with each citation made a link the chat panel opens in the editor. The links are built
 * here, after the allow-list, from text nodes only: the answer itself still cannot carry a class or a data
 * attribute, and what the link holds is the text the model wrote.
 */
export function linkCitations(html: string): string {
  if (html === '' || typeof document === 'undefined' || !/:\d/.test(html)) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node.parentElement?.closest('a, pre') ?? null)) texts.push(node as Text);
  }
  let changed = false;
  for (const node of texts) {
    const text = node.data;
    const matches = citationsIn(text);
    if (matches.length === 0) continue;
    changed = true;
    const pieces = document.createDocumentFragment();
    let at = 0;
    for (const match of matches) {
      const { whole, path, line } = match;
      pieces.append(text.slice(at, match.index));
      const link = document.createElement('a');
      link.className = CITATION_CLASS;
      link.dataset.path = path.replace(/^\.\//, '');
      link.dataset.line = line;
      link.setAttribute('role', 'link');
      link.tabIndex = 0;
      link.title = `Open ${path} at line ${line}`;
      link.textContent = whole;
      pieces.append(link);
      at = match.index + whole.length;
    }
    pieces.append(text.slice(at));
    node.replaceWith(pieces);
  }
  return changed ? template.innerHTML : html;
}

/** Longest word a citation is looked for in (a path:line is short; a model's output can be a 100 KB word). */
const MAX_CITATION_WORD = 512;

/**
 * The citations in a text, looked for word by word: the pattern's optional path segments can split a long run of
 * dots and slashes many ways, so it only ever meets a bounded word, and the text is walked once.
 */
function citationsIn(text: string): { index: number; whole: string; path: string; line: string }[] {
  const found: { index: number; whole: string; path: string; line: string }[] = [];
  for (const word of text.matchAll(/\S+/g)) {
    const token = word[0];
    if (token.length > MAX_CITATION_WORD || !token.includes(':')) continue;
    for (const match of token.matchAll(CITATION)) {
      found.push({ index: word.index + match.index, whole: match[0], path: match[1] ?? '', line: match[2] ?? '' });
    }
  }
  return found;
}
