// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lazyComponent } from './lazy';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Greeting({ name }: { name: string }) {
  return <p className="greeting">Hello {name}</p>;
}

function Broken(): never {
  throw new Error('no data');
}

/** A module load the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  vi.spyOn(console, 'error').mockImplementation(() => undefined); // React and the boundary report the failures
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const flush = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));
const button = (label: string) =>
  [...container.querySelectorAll('button')].find((each) => each.textContent === label) as HTMLButtonElement;

describe('lazyComponent', () => {
  it('shows a placeholder named after the view while the module loads, then the view with its props', async () => {
    const load = deferred<typeof Greeting>();
    const View = lazyComponent('Greeting', () => load.promise);
    act(() => root.render(<View name="Ada" />));
    expect(container.querySelector('[data-testid="lazy-loading"]')?.textContent).toBe('Loading Greeting…');
    await act(async () => load.resolve(Greeting));
    await flush();
    expect(container.querySelector('.greeting')?.textContent).toBe('Hello Ada');
    expect(container.querySelector('[data-testid="lazy-loading"]')).toBeNull();
  });

  it('loads the module once for every mount and for preload', async () => {
    const load = vi.fn(async () => Greeting);
    const View = lazyComponent('Greeting', load);
    await View.preload();
    act(() =>
      root.render(
        <>
          <View name="one" />
          <View name="two" />
        </>,
      ),
    );
    await flush();
    expect([...container.querySelectorAll('.greeting')].map((each) => each.textContent)).toEqual([
      'Hello one',
      'Hello two',
    ]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('says when the module cannot be loaded, as text, and Retry loads it again', async () => {
    let attempts = 0;
    const load = vi.fn(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('<img src=x onerror="window.hacked=1"> chunk gone');
      return Greeting;
    });
    const View = lazyComponent('Greeting', load);
    act(() => root.render(<View name="Ada" />));
    await flush();
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain(
      'Greeting could not be loaded: <img src=x onerror="window.hacked=1"> chunk gone',
    );
    expect(container.querySelector('img')).toBeNull(); // the message is text, never markup
    expect(button('Close')).toBeUndefined(); // a view in the layout has nothing to close
    act(() => button('Retry').click());
    await flush();
    expect(container.querySelector('.greeting')?.textContent).toBe('Hello Ada');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('tells a view that failed once loaded from one that never arrived', async () => {
    const View = lazyComponent('Broken view', async () => Broken);
    act(() => root.render(<View />));
    await flush();
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('Broken view failed: no data');
  });

  it('draws nothing for an overlay while it loads, and a failure as a dialog whose Close dismisses it', async () => {
    const load = deferred<typeof Greeting>();
    const dismiss = vi.fn();
    const View = lazyComponent('Open Folder', () => load.promise, { overlay: { dismiss } });
    act(() => root.render(<View name="Ada" />));
    expect(container.innerHTML).toBe('');
    await act(async () => load.reject(new Error('offline')));
    await flush();
    expect(container.querySelector('.overlay-backdrop [role="alert"]')?.textContent).toContain(
      'Open Folder could not be loaded: offline',
    );
    act(() => button('Close').click());
    expect(dismiss).toHaveBeenCalledWith({ name: 'Ada' });
  });
});
