import { describe, expect, it } from 'vitest';
import { svgIconUrl } from './svg-icon';

const decoded = (url: string | null) => decodeURIComponent(url?.replace(/^url\("data:image\/svg\+xml,/, '') ?? '');

describe('svgIconUrl', () => {
  it('makes an SVG image URL of inline markup, adding the SVG namespace it needs as an image', () => {
    const url = svgIconUrl('<svg viewBox="0 0 24 24"><path d="M4 8h15"/></svg>');
    expect(url).toMatch(/^url\("data:image\/svg\+xml,[^"()']*"\)$/);
    expect(decoded(url?.slice(0, -2) ?? null)).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M4 8h15"/></svg>',
    );
  });

  it('keeps a namespace that is already there', () => {
    const markup = '<svg xmlns="http://www.w3.org/2000/svg" width="22"><rect/></svg>';
    expect(decoded(svgIconUrl(markup)?.slice(0, -2) ?? null)).toBe(markup);
  });

  it('answers null for a glyph or for markup that is not one svg element', () => {
    expect(svgIconUrl('⇄')).toBeNull();
    expect(svgIconUrl('<img src=x onerror=alert(1)>')).toBeNull();
    expect(svgIconUrl('<svg><path/></svg><script>alert(1)</script>')).toBeNull();
  });

  it('leaves no character that could close the CSS url() early', () => {
    const url = svgIconUrl('<svg>") ; background: url(http://evil.example/x) ; ("</svg>') ?? '';
    expect(url.slice('url("'.length, -2)).not.toMatch(/["'()\\]/);
  });
});
