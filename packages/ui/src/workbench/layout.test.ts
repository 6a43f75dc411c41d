import { describe, expect, it } from 'vitest';
import { defaultLayout, parseLayout } from './layout';

const views = new Set(['explorer', 'ai.chat', 'models']);

describe('parseLayout', () => {
  it('restores a stored layout', () => {
    const stored = JSON.stringify({
      sideWidth: 300,
      panelWidth: 420,
      sideView: 'models',
      panelView: 'ai.chat',
      bottomHeight: 200,
      bottomView: 'terminal',
    });
    expect(parseLayout(stored, new Set([...views, 'terminal']))).toEqual({
      sideWidth: 300,
      panelWidth: 420,
      sideView: 'models',
      panelView: 'ai.chat',
      bottomHeight: 200,
      bottomView: 'terminal',
    });
  });

  it('keeps a collapsed side bar and a hidden panel', () => {
    expect(parseLayout(JSON.stringify({ sideView: null, panelView: null }), views)).toMatchObject({
      sideView: null,
      panelView: null,
    });
  });

  it('falls back to the defaults for missing, corrupt or unknown values', () => {
    expect(parseLayout(null, views)).toEqual(defaultLayout);
    expect(parseLayout('{not json', views)).toEqual(defaultLayout);
    expect(parseLayout(JSON.stringify({ sideView: 'gone.feature', sideWidth: 'wide' }), views)).toEqual(defaultLayout);
  });

  it('clamps sizes into their limits', () => {
    expect(parseLayout(JSON.stringify({ sideWidth: 5, panelWidth: 10_000 }), views)).toMatchObject({
      sideWidth: 170,
      panelWidth: 900,
    });
  });
});
