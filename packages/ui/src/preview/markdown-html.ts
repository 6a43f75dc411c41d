// A Markdown file as the preview's HTML: marked for the syntax, DOMPurify with an allow-list for the result. The file
// is untrusted (a cloned repository's README), so: no script, style, form, frame or SVG; links only to the web,
// mail or a workspace path; and nothing is fetched from the network — a remote image becomes a placeholder that
// shows its URL, a relative one is loaded later through files.readBytes (the src is moved aside so the page never
// asks the engine's server for it).
import DOMPurify, { type Config } from 'dompurify';
import { marked } from 'marked';
import { PROSE_TAGS } from '../workbench/prose-tags';

/** Prose, plus images (loaded by us, see below), small inline tags and the disclosure and definition lists READMEs use. */
const PREVIEW_TAGS = [...PROSE_TAGS, 'sup', 'sub', 'kbd', 'img', 'details', 'summary', 'dl', 'dt', 'dd'];

/** No style, id or class (a code block's `language-x` class excepted): the workbench's own styles stay unreachable. */
const PREVIEW_ATTRIBUTES = ['href', 'title', 'align', 'start', 'src', 'alt', 'width', 'height', 'colspan', 'rowspan'];

/** Web and mail links and scheme-less (relative) ones; javascript:, file:, vbscript: and the rest are dropped. */
const PREVIEW_URI = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const CONFIG: Config = {
  ALLOWED_TAGS: PREVIEW_TAGS,
  ALLOWED_ATTR: PREVIEW_ATTRIBUTES,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP: PREVIEW_URI,
  ADD_URI_SAFE_ATTR: ['align', 'start', 'width', 'height', 'colspan', 'rowspan'],
};

/** Attributes the hooks set on what they rewrote; the preview component acts on them. */
export const LINK_ATTRIBUTE = 'data-pa-href';
export const IMAGE_ATTRIBUTE = 'data-pa-src';
export const REMOTE_IMAGE_ATTRIBUTE = 'data-pa-remote';

const isWebUrl = (url: string) => /^(?:https?:)?\/\//i.test(url) || /^mailto:/i.test(url);

let purifier: ReturnType<typeof DOMPurify> | null = null;

function previewPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeAttribute', (node, data) => {
    // a fenced block's language, for Monaco's colorizer
    if (data.attrName === 'class' && node.nodeName === 'CODE' && /^language-[\w#+.-]{1,40}$/.test(data.attrValue)) {
      data.forceKeepAttr = true;
    }
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      if (href === null) return;
      if (isWebUrl(href)) {
        // leaves the workbench: a new browser tab in browser mode, the OS browser in the desktop app
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        // a workspace path (or an anchor): the component opens it in the editor, the page never navigates to it
        node.setAttribute(LINK_ATTRIBUTE, href);
        node.setAttribute('href', '#');
      }
    } else if (node.nodeName === 'IMG') {
      const src = node.getAttribute('src');
      node.removeAttribute('src');
      if (src === null || src === '') return;
      if (/^data:image\/(?:png|gif|jpeg|webp|bmp);/i.test(src))
        node.setAttribute('src', src); // inline, no request
      else if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(src)) node.setAttribute(REMOTE_IMAGE_ATTRIBUTE, src);
      else node.setAttribute(IMAGE_ATTRIBUTE, src);
    }
  });
  return purifier;
}

/** The sanitised HTML of a Markdown document; empty where no DOM can sanitise it (never passed through raw). */
export function markdownPreviewHtml(markdown: string): string {
  const instance = previewPurifier();
  if (!instance.isSupported) return '';
  const html = marked.parse(markdown, { async: false, gfm: true });
  return instance.sanitize(html, CONFIG);
}

/**
 * A relative link or image of the Markdown file `from` as a workspace path, or null when it leaves the workspace
 * or is only an anchor (`#heading`). Query and fragment are dropped, percent-escapes decoded.
 */
export function resolveWorkspaceLink(from: string, href: string): string | null {
  const bare = href.replace(/[?#].*$/, '');
  if (bare === '') return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = decoded.startsWith('/') ? [] : from.split('/').slice(0, -1);
  const parts = [...base];
  for (const part of decoded.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null; // above the workspace's root
      parts.pop();
    } else parts.push(part);
  }
  return parts.length ? parts.join('/') : null;
}

/** The Monaco language id of a fenced block's `language-x` class (aliases and extensions as Monaco lists them). */
export function codeLanguage(
  className: string,
  languages: ReadonlyArray<{ id: string; aliases?: string[]; extensions?: string[] }>,
): string | null {
  const match = /^language-([\w#+.-]+)$/.exec(className);
  if (!match?.[1]) return null;
  const wanted = match[1].toLowerCase();
  for (const language of languages) {
    if (language.id === wanted) return language.id;
    if (language.aliases?.some((alias) => alias.toLowerCase() === wanted)) return language.id;
    if (language.extensions?.some((extension) => extension.toLowerCase() === `.${wanted}`)) return language.id;
  }
  return null;
}
