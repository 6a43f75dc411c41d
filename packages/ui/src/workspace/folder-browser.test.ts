import type { DirListing } from '@pa/shared';
import { afterEach, expect, it, vi } from 'vitest';
import { deferred, FakeEngine } from '../testing/fake-engine';
import { FolderBrowser, splitInput } from './folder-browser';

afterEach(() => vi.useRealTimers());

const listing = (path: string, names: string[], parent: string | null = '/'): DirListing => ({
  path,
  parent,
  entries: names.map((name) => ({ name, path: `${path === '/' ? '' : path}/${name}` })),
  truncated: false,
});

it('splits what is typed into the folder to list and the name being completed', () => {
  expect(splitInput('')).toEqual({ folder: '', prefix: '' });
  expect(splitInput('~')).toEqual({ folder: '~', prefix: '' });
  expect(splitInput('/home/ada/pro')).toEqual({ folder: '/home/ada/', prefix: 'pro' });
  expect(splitInput('/home/ada/')).toEqual({ folder: '/home/ada/', prefix: '' });
  expect(splitInput('~/co')).toEqual({ folder: '~/', prefix: 'co' });
  expect(splitInput('C:\\Users\\ada\\Do')).toEqual({ folder: 'C:\\Users\\ada\\', prefix: 'Do' });
});

it('lists the home folder at first, then the typed folder with the typed prefix', async () => {
  vi.useFakeTimers();
  const engine = new FakeEngine();
  engine.answer('workspace.listDirs', (params) =>
    params?.path === '' ? listing('/home/ada', ['code', 'docs'], '/home') : listing('/home/ada/code', ['app']),
  );
  const browser = new FolderBrowser(engine.client);
  await vi.waitFor(() => expect(browser.state.value.listing?.path).toBe('/home/ada'));
  browser.setInput('/home/ada/code/a');
  browser.setInput('/home/ada/code/ap');
  await vi.advanceTimersByTimeAsync(100);
  // typing quickly lists once, for the last input
  expect(engine.calls.slice(1).map((call) => call.params)).toEqual([
    { path: '/home/ada/code/', prefix: 'ap', hidden: false },
  ]);
  browser.dispose();
});

it('Tab completes the highlighted folder, arrows wrap, and going up lists the parent', async () => {
  const engine = new FakeEngine();
  engine.answer('workspace.listDirs', (params) =>
    params?.path === '/srv/' ? listing('/srv', ['a', 'b'], '/') : listing('/home/ada', ['code', 'docs'], '/home'),
  );
  const browser = new FolderBrowser(engine.client);
  await vi.waitFor(() => expect(browser.state.value.listing?.entries).toHaveLength(2));
  browser.move(-1);
  expect(browser.highlighted()?.name).toBe('docs');
  browser.move(1);
  expect(browser.highlighted()?.name).toBe('code');
  browser.complete();
  expect(browser.state.value.input).toBe('/home/ada/code/');
  expect(browser.highlighted()).toBeNull();
  await vi.waitFor(() => expect(engine.calls.at(-1)?.params).toMatchObject({ path: '/home/ada/code/', prefix: '' }));
  browser.dispose();
});

it('drops the answer of a listing asked before a newer one', async () => {
  const engine = new FakeEngine();
  const slow = deferred<DirListing>();
  let calls = 0;
  engine.answer('workspace.listDirs', () => (++calls === 1 ? slow.promise : listing('/srv', ['new'])));
  const browser = new FolderBrowser(engine.client);
  browser.setHidden(true);
  await vi.waitFor(() => expect(browser.state.value.listing?.path).toBe('/srv'));
  slow.resolve(listing('/old', ['stale']));
  await Promise.resolve();
  expect(browser.state.value.listing?.entries.map((entry) => entry.name)).toEqual(['new']);
  browser.dispose();
});

it('opens an absolute path as typed, and a ~ path as the engine resolved its folder', async () => {
  const engine = new FakeEngine();
  engine.answer('workspace.listDirs', () => listing('/home/ada', ['code']));
  const browser = new FolderBrowser(engine.client);
  await vi.waitFor(() => expect(browser.state.value.listing).not.toBeNull());
  browser.setInput('/srv/app/');
  expect(browser.target()).toBe('/srv/app');
  browser.setInput('~/code');
  // the listing still is the home folder's (the one '~/' names)
  expect(browser.target()).toBe('/home/ada/code');
  browser.setInput('');
  expect(browser.target()).toBe('/home/ada');
  browser.dispose();
});

it('shows the engine’s refusal as the error', async () => {
  const engine = new FakeEngine();
  engine.answer('workspace.listDirs', () => {
    throw new Error('"/nope" does not exist.');
  });
  const browser = new FolderBrowser(engine.client);
  await vi.waitFor(() => expect(browser.state.value.error).toBe('"/nope" does not exist.'));
  browser.dispose();
});
