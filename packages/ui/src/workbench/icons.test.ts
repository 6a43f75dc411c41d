import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FeatureIcon } from './icons';

const ARROWS = '<svg viewBox="0 0 24 24"><path d="M4 8.5h15"/></svg>';

describe('FeatureIcon', () => {
  it('draws SVG as a mask image of the given size and never inserts its markup', () => {
    const html = renderToStaticMarkup(createElement(FeatureIcon, { icon: ARROWS, size: 14 }));
    expect(html).toContain('feature-icon--svg');
    expect(html).toContain('width:14px;height:14px');
    expect(html).toContain('mask-image:url(&quot;data:image/svg+xml,');
    expect(html).not.toContain('<svg');
  });

  it('leaves the size to the stylesheet when none is given, as in the activity bar', () => {
    const html = renderToStaticMarkup(createElement(FeatureIcon, { icon: ARROWS }));
    expect(html).not.toContain('width:');
  });
});
