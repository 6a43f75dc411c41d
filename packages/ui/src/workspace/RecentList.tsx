// Recent workspaces (workspace.recent), each one click to open and one to forget.
import { errorMessage, type RecentWorkspace } from '@pa/shared';
import { useCallback, useEffect, useState } from 'react';
import type { WorkbenchController } from '../workbench/controller';
import { Icons } from '../workbench/icons';

export function useRecentWorkspaces(workbench: WorkbenchController) {
  const [items, setItems] = useState<RecentWorkspace[] | null>(null);
  const refresh = useCallback(() => {
    workbench.client.call('workspace.recent').then(
      (result) => setItems(result.items),
      (error: unknown) => {
        setItems([]);
        workbench.notify(errorMessage(error), 'error');
      },
    );
  }, [workbench]);
  useEffect(refresh, [refresh]);
  const forget = async (path: string) => {
    try {
      await workbench.client.call('workspace.forget', { path });
      refresh();
    } catch (error) {
      workbench.notify(errorMessage(error), 'error');
    }
  };
  return { items, forget };
}

export function RecentList({
  workbench,
  onOpen,
  limit = 8,
}: {
  workbench: WorkbenchController;
  onOpen(path: string): void;
  limit?: number;
}) {
  const { items, forget } = useRecentWorkspaces(workbench);
  if (items === null) return <div className="recent__empty">Loading…</div>;
  if (items.length === 0) return <div className="recent__empty">No recent folders yet.</div>;
  return (
    <ul className="recent">
      {items.slice(0, limit).map((item) => (
        <li key={item.path} className="recent__item">
          <button type="button" className="recent__open" onClick={() => onOpen(item.path)} title={item.path}>
            <span className="recent__icon">{Icons.folder(15)}</span>
            <span className="recent__name">{item.name}</span>
            <span className="recent__path">{item.path}</span>
          </button>
          <button
            type="button"
            className="icon-button recent__forget"
            title="Remove from recent"
            aria-label={`Remove ${item.name} from recent`}
            onClick={() => void forget(item.path)}
          >
            {Icons.close(13)}
          </button>
        </li>
      ))}
    </ul>
  );
}
