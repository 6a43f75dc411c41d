// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  codeLanguage,
  IMAGE_ATTRIBUTE,
  LINK_ATTRIBUTE,
  markdownPreviewHtml,
  REMOTE_IMAGE_ATTRIBUTE,
  resolveWorkspaceLink,
} from './markdown-html';

const dom = (markdown: string) => {
  const host = document.createElement('div');
  host.innerHTML = markdownPreviewHtml(markdown);
  return host;
};

describe('the Markdown preview HTML', () => {
  it('renders headings, emphasis, tables and a fenced block with its language', () => {
    const host = dom('# Title\n\n*it* **bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst a = 1;\n```\n');
    expect(host.querySelector('h1')?.textContent).toBe('Title');
    expect(host.querySelector('em')?.textContent).toBe('it');
    expect(host.querySelectorAll('td')).toHaveLength(2);
    expect(host.querySelector('pre > code')?.className).toBe('language-ts');
  });

  it('hostile: no script, event handler, style, iframe, form, svg or class reaches the page', () => {
    const host = dom(
      [
        '<script>window.pwned = 1</script>',
        '<img src="x.png" onerror="window.pwned = 1">',
        '<p style="position:fixed" class="overlay-backdrop" id="root">text</p>',
        '<iframe src="https://example.com"></iframe>',
        '<form action="https://example.com"><input name="q"><button>go</button></form>',
        '<svg><script>window.pwned = 1</script></svg>',
        '<style>body { display: none }</style>',
        '<a href="https://example.com" class="x" onclick="window.pwned = 1">web</a>',
      ].join('\n\n'),
    );
    const html = host.innerHTML;
    for (const needle of [
      '<script',
      'onerror',
      'onclick',
      'style',
      'iframe',
      '<form',
      '<input',
      '<svg',
      'class=',
      'id=',
    ]) {
      expect(html).not.toContain(needle);
    }
  });

  it('hostile: javascript:, data: and file: links are dropped; web links open a new tab; relative ones are marked', () => {
    const host = dom(
      '[a](javascript:alert(1)) [b](JaVaScRiPt&#58;alert(1)) [c](data:text/html,<script>x</script>) [d](file:///etc/passwd) [e](https://example.com/x) [f](../src/a.ts#L3)',
    );
    const links = [...host.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      null,
      null,
      null,
      null,
      'https://example.com/x',
      '#',
    ]);
    expect(links[4]?.getAttribute('target')).toBe('_blank');
    expect(links[4]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[5]?.getAttribute(LINK_ATTRIBUTE)).toBe('../src/a.ts#L3');
  });

  it('hostile: no image source the page would fetch — remote ones marked for a placeholder, relative ones for the engine', () => {
    const host = dom(
      '![remote](https://tracker.example/pixel.png) ![proto](//tracker.example/p.png) ![local](img/logo.png) ![file](file:///etc/x.png)\n\n<img srcset="https://tracker.example/a.png 2x" src="a.png">',
    );
    const images = [...host.querySelectorAll('img')];
    for (const image of images) {
      expect(image.getAttribute('src')).toBeNull();
      expect(image.getAttribute('srcset')).toBeNull();
    }
    expect(images[0]?.getAttribute(REMOTE_IMAGE_ATTRIBUTE)).toBe('https://tracker.example/pixel.png');
    expect(images[1]?.getAttribute(REMOTE_IMAGE_ATTRIBUTE)).toBe('//tracker.example/p.png');
    expect(images[2]?.getAttribute(IMAGE_ATTRIBUTE)).toBe('img/logo.png');
    expect(images[3]?.getAttribute(IMAGE_ATTRIBUTE)).toBeNull();
    expect(images[4]?.getAttribute(IMAGE_ATTRIBUTE)).toBe('a.png');
  });

  it('keeps an inline raster data: image (no request) and nothing else of data:', () => {
    const host = dom('![dot](data:image/png;base64,iVBORw0KGgo=) ![svg](data:image/svg+xml;base64,PHN2Zz4=)');
    const images = [...host.querySelectorAll('img')];
    expect(images[0]?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(images[1]?.getAttribute('src')).toBeNull();
  });
});

describe('workspace links of a Markdown file', () => {
  it('resolves relative to the file, drops query and fragment, decodes escapes', () => {
    expect(resolveWorkspaceLink('docs/guide.md', 'img/a.png')).toBe('docs/img/a.png');
    expect(resolveWorkspaceLink('docs/guide.md', '../src/a.ts#L3')).toBe('src/a.ts');
    expect(resolveWorkspaceLink('docs/guide.md', './my%20file.md?x=1')).toBe('docs/my file.md');
    expect(resolveWorkspaceLink('docs/guide.md', '/README.md')).toBe('README.md');
  });

  it('hostile: a link above the workspace root, a NUL or a bad escape resolves to nothing', () => {
    expect(resolveWorkspaceLink('docs/guide.md', '../../etc/passwd')).toBeNull();
    expect(resolveWorkspaceLink('README.md', '../x')).toBeNull();
    expect(resolveWorkspaceLink('README.md', 'a%00b')).toBeNull();
    expect(resolveWorkspaceLink('README.md', '%E0%A4%A')).toBeNull();
    expect(resolveWorkspaceLink('README.md', '#heading')).toBeNull();
  });

  it('names a fenced block by Monaco language id, alias or extension', () => {
    const languages = [
      { id: 'typescript', aliases: ['TypeScript', 'ts'], extensions: ['.ts'] },
      { id: 'python', aliases: ['Python'], extensions: ['.py'] },
    ];
    expect(codeLanguage('language-ts', languages)).toBe('typescript');
    expect(codeLanguage('language-py', languages)).toBe('python');
    expect(codeLanguage('language-python', languages)).toBe('python');
    expect(codeLanguage('language-cobol', languages)).toBeNull();
  });
});
