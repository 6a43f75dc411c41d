// Views and editors that start-up does not show load on first use: `lazyComponent(name, () => import('./X'))` gives a
// component that fetches the module (a chunk of its own, with whatever only it imports) the first time it renders,
// shows a quiet placeholder meanwhile and, when the fetch fails (the engine restarted with another build, the
// connection dropped), says so with a Retry button instead of leaving a blank area. The feature's registration
// (commands, keys, titles, icons) stays in the entry chunk: only what draws the view waits.
// tests/integration/ui-entry-chunk.test.ts holds the entry chunk to that.
import { errorMessage } from '@pa/shared';
import { Component, type ComponentType, type ErrorInfo, lazy, type ReactNode, Suspense, useState } from 'react';
import './lazy.css';

export interface LazyComponent<P extends object> {
  (props: P): ReactNode;
  /** Starts fetching the module now; resolves once it is loaded (rejects when it cannot be). */
  preload(): Promise<void>;
  displayName: string;
}

export interface LazyOptions<P> {
  /**
   * For an overlay (a dialog): nothing is drawn while the module loads, and a failed load is a small dialog of its
   * own (Retry, Close: `dismiss` closes the overlay) instead of a message in the layout.
   */
  overlay?: { dismiss(props: P): void };
}

/**
 * A component whose implementation `load` fetches on first render. `name` is what the placeholder and the error
 * say ("Loading Settings…"). A failed load is not kept: Retry (or the next mount) asks again.
 */
export function lazyComponent<P extends object>(
  name: string,
  load: () => Promise<ComponentType<P>>,
  options: LazyOptions<P> = {},
): LazyComponent<P> {
  let pending: Promise<ComponentType<P>> | null = null;
  let loaded = false;
  const fetch = (): Promise<ComponentType<P>> => {
    if (!pending) {
      const attempt = load();
      pending = attempt;
      attempt.then(
        () => {
          loaded = true;
        },
        () => {
          // the next mount loads again: React.lazy keeps its first outcome, so it gets a fresh one too
          if (pending === attempt) pending = null;
          Loaded = make();
        },
      );
    }
    return pending;
  };
  const make = () => lazy(async () => ({ default: await fetch() }));
  let Loaded = make();

  const source: LazySource<P> = {
    name,
    overlay: options.overlay ?? null,
    loaded: () => loaded,
    component: () => Loaded,
  };
  const view = (props: P) => <LazyHost source={source} props={props} />;
  view.displayName = `Lazy(${name})`;
  view.preload = () => fetch().then(() => undefined);
  return view;
}

interface LazySource<P extends object> {
  name: string;
  overlay: LazyOptions<P>['overlay'] | null;
  loaded(): boolean;
  /** The React.lazy component of the moment (a new one after a failed load). */
  component(): ComponentType<P>;
}

function LazyHost<P extends object>({ source, props }: { source: LazySource<P>; props: P }) {
  const [attempt, setAttempt] = useState(0);
  const Loaded = source.component();
  const { overlay } = source;
  return (
    <LoadBoundary
      key={attempt}
      name={source.name}
      loaded={source.loaded}
      onRetry={() => setAttempt((n) => n + 1)}
      onDismiss={overlay ? () => overlay.dismiss(props) : null}
    >
      <Suspense fallback={overlay ? null : <LoadingPlaceholder name={source.name} />}>
        <Loaded {...props} />
      </Suspense>
    </LoadBoundary>
  );
}

/** Blank at first (a chunk from the local engine usually arrives within a frame or two), the name after a moment. */
function LoadingPlaceholder({ name }: { name: string }) {
  return (
    <div className="lazy-view" role="status" aria-busy="true" data-testid="lazy-loading">
      <span className="lazy-view__label">Loading {name}…</span>
    </div>
  );
}

interface BoundaryProps {
  name: string;
  /** Whether the module had arrived (then the view itself failed, and Retry draws it again). */
  loaded(): boolean;
  onRetry(): void;
  /** Set for an overlay: the failure is then drawn as a dialog with a Close button calling this. */
  onDismiss: (() => void) | null;
  children: ReactNode;
}

/** Catches a failed load, or the view failing once loaded, and shows it in the view's place only. */
class LoadBoundary extends Component<BoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.name} failed:`, error, info.componentStack);
  }

  private message(error: unknown): string {
    const what = this.props.loaded() ? 'failed' : 'could not be loaded';
    return `${this.props.name} ${what}: ${errorMessage(error)}`;
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    const { onDismiss, onRetry } = this.props;
    const failed = (
      <div className={`lazy-view lazy-view--failed${onDismiss ? ' lazy-view--dialog' : ''}`} role="alert">
        <span>{this.message(this.state.error)}</span>
        <button type="button" className="button button--secondary button--small" onClick={onRetry}>
          Retry
        </button>
        {onDismiss && (
          <button type="button" className="button button--secondary button--small" onClick={onDismiss}>
            Close
          </button>
        )}
      </div>
    );
    return onDismiss ? <div className="overlay-backdrop">{failed}</div> : failed;
  }
}

/**
 * Runs `task` once the page has a quiet moment (requestIdleCallback, at most `timeout` ms later), for set-up that
 * must happen soon but not before the first file is on screen.
 */
export function whenIdle(task: () => void, timeout = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => task(), { timeout });
  else setTimeout(task, 0);
}
