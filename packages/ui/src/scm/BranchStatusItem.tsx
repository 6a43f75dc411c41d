// The status bar's branch item: the branch (or the detached commit), ahead/behind arrows and a sync button, git's
// progress while a fetch / pull / push runs; clicking the branch opens a quick pick to switch to or create one.
import type { GitBranch } from '@pa/shared';
import { useEffect, useRef, useState } from 'react';
import { useObservable } from '../workbench/observable';
import type { ScmController } from './scm-controller';

export function BranchStatusItem({ controller }: { controller: ScmController }) {
  const { status, busy, progress } = useObservable(controller.state);
  const [picking, setPicking] = useState(false);
  if (!status?.repository) return null;
  const { branch } = status;
  const name = branch.head ?? (branch.oid ? branch.oid.slice(0, 8) : 'main');
  const syncing = busy === 'fetch' || busy === 'pull' || busy === 'push';
  return (
    <>
      <button
        type="button"
        className="scm-branch"
        title={`${name}${status.merging ? ' (merging)' : ''}: switch or create a branch`}
        data-testid="scm-branch"
        onClick={() => setPicking(true)}
      >
        <span aria-hidden="true">⎇</span>
        {name}
        {status.merging ? ' (merging)' : ''}
        {status.changes.some((change) => change.kind !== 'ignored') ? '*' : ''}
      </button>
      <button
        type="button"
        className="scm-branch"
        title={
          branch.upstream
            ? `${branch.behind} to pull and ${branch.ahead} to push (${branch.upstream}): synchronize`
            : 'Publish this branch'
        }
        disabled={!!busy}
        onClick={() => void (branch.upstream ? syncBoth(controller, branch.behind) : controller.sync('push'))}
      >
        {syncing ? (
          <span data-testid="scm-progress">
            ⟳ {progress ? `${progress.phase}${progress.percent === null ? '' : ` ${progress.percent}%`}` : `${busy}…`}
          </span>
        ) : branch.upstream ? (
          `↓${branch.behind} ↑${branch.ahead}`
        ) : (
          '☁ Publish'
        )}
      </button>
      {picking && <BranchPick controller={controller} onClose={() => setPicking(false)} />}
    </>
  );
}

async function syncBoth(controller: ScmController, behind: number): Promise<void> {
  if (behind > 0 && !(await controller.sync('pull'))) return;
  await controller.sync('push');
}

function BranchPick({ controller, onClose }: { controller: ScmController; onClose: () => void }) {
  const [branches, setBranches] = useState<GitBranch[] | null>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    void controller.branches().then(setBranches);
  }, [controller]);
  const name = query.trim();
  const matches = (branches ?? []).filter((branch) => branch.name.toLowerCase().includes(name.toLowerCase()));
  const items: Array<{ key: string; label: string; detail: string; run: () => unknown }> = [
    ...(name && !matches.some((branch) => branch.name === name)
      ? [{ key: '+', label: `+ Create new branch "${name}"`, detail: '', run: () => controller.createBranch(name) }]
      : []),
    ...matches.map((branch) => ({
      key: `${branch.remote}:${branch.name}`,
      label: `${branch.current ? '● ' : ''}${branch.name}`,
      detail: `${branch.remote ? 'remote branch' : 'branch'} ${branch.oid.slice(0, 8)}`,
      run: () => controller.checkout(branch.remote ? branch.name.replace(/^[^/]+\//, '') : branch.name),
    })),
  ];
  const choose = (index: number) => {
    const item = items[index];
    onClose();
    if (item) void item.run();
  };
  return (
    <div className="scm-pick" role="dialog" aria-label="Switch branch" data-testid="scm-branch-pick">
      <input
        ref={input}
        type="text"
        placeholder="Select a branch to switch to, or type a new branch name"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onBlur={() => setTimeout(onClose, 150)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
          if (event.key === 'ArrowDown') setActive((at) => Math.min(at + 1, items.length - 1));
          if (event.key === 'ArrowUp') setActive((at) => Math.max(at - 1, 0));
          if (event.key === 'Enter') choose(active);
        }}
      />
      <div className="scm-pick__list" role="listbox">
        {branches === null && <div className="scm__empty">Reading branches…</div>}
        {items.map((item, index) => (
          <button
            key={item.key}
            type="button"
            role="option"
            aria-selected={index === active}
            className={`scm-pick__item${index === active ? ' scm-pick__item--active' : ''}`}
            onMouseDown={(event) => {
              event.preventDefault();
              choose(index);
            }}
          >
            <span>{item.label}</span>
            <span className="scm-pick__detail">{item.detail}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
