import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isTrustedSender,
  navigationDecision,
  permissionDecision,
  webPreferencesFor,
  windowOpenDecision,
} from './policy.js';

describe('webPreferencesFor', () => {
  const prefs = webPreferencesFor('/app/dist/preload.cjs', { devTools: false });

  it('isolates the page from Node and Electron', () => {
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('offers dev tools only when asked', () => {
    expect(prefs.devTools).toBe(false);
    expect(webPreferencesFor('/p.cjs', { devTools: true }).devTools).toBe(true);
  });
});

describe('navigationDecision', () => {
  it('allows pages of the app origin', () => {
    expect(navigationDecision('app://ui/index.html', APP_ORIGIN)).toBe('allow');
    expect(navigationDecision('app://ui/index.html#/settings?x=1', APP_ORIGIN)).toBe('allow');
  });

  it.each([
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['https://example.com/'],
    ['http://127.0.0.1:5173/'],
    ['app://ui.evil/index.html'],
    ['app://evil.ui/index.html'],
    ['app://uix/'],
    ['app://ui@evil/'],
    ['app://evil%2Fui/'],
    ['app://ui:8080/'],
    ['app:ui/index.html'],
    ['APP://UI.evil/'],
    ['about:blank'],
    ['not a url'],
    [''],
  ])('blocks %s', (url) => {
    expect(navigationDecision(url, APP_ORIGIN)).toBe('deny');
  });
});

describe('windowOpenDecision', () => {
  it('never opens an Electron window, and hands http(s) links to the OS browser', () => {
    expect(windowOpenDecision('https://docs.example.com/page?q=1')).toEqual({
      action: 'deny',
      openExternally: 'https://docs.example.com/page?q=1',
    });
    expect(windowOpenDecision('http://example.com').openExternally).toBe('http://example.com/');
  });

  it('opens the re-serialised URL, not the raw string', () => {
    expect(windowOpenDecision('HTTPS://EXAMPLE.com/a b').openExternally).toBe('https://example.com/a%20b');
  });

  it.each([
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['smb://host/share'],
    ['app://ui/index.html'],
    ['https://user:pass@example.com/'],
    ['mailto:a@example.com'],
    ['garbage'],
  ])('drops %s', (url) => {
    expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('isTrustedSender', () => {
  it('trusts frames of the app origin only', () => {
    expect(isTrustedSender('app://ui/index.html', APP_ORIGIN)).toBe(true);
    expect(isTrustedSender('app://ui.evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('https://ui/index.html', APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('file:///app/ui/index.html', APP_ORIGIN)).toBe(false);
  });

  it('refuses a missing frame (destroyed or navigated away)', () => {
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(undefined, APP_ORIGIN)).toBe(false);
  });
});

describe('permissionDecision', () => {
  it('grants clipboard writes to the app and nothing else', () => {
    expect(permissionDecision('clipboard-sanitized-write', 'app://ui/index.html', APP_ORIGIN)).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'https://evil.example/', APP_ORIGIN)).toBe(false);
    expect(permissionDecision('media', 'app://ui/index.html', APP_ORIGIN)).toBe(false);
    expect(permissionDecision('notifications', undefined, APP_ORIGIN)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  const directives = new Map(
    contentSecurityPolicy()
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values] as const),
  );

  it('loads scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  it('allows Monaco its blob workers and inline styles, and nothing unsafe for scripts', () => {
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval/);
  });

  it('forbids plugins, base rewriting and framing', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
