// The status bar's index item: "Indexing 45%" with a turning arc while it runs, a quiet "Index: 1,234 files" once
// ready, paused and error states; a click opens the Search Codebase view. Hidden while no folder is open.
import { useWorkbench } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import type { CodebaseController } from './codebase-controller';
import { CodebaseIcons } from './icons';
import { statusItemText } from './status-text';

export function CodebaseStatusItem({ controller }: { controller: CodebaseController }) {
  const api = useWorkbench();
  const status = useObservable(controller.status);
  const item = statusItemText(status);
  if (!item) return null;
  const icon =
    item.tone === 'busy'
      ? CodebaseIcons.spinner()
      : item.tone === 'error'
        ? CodebaseIcons.warning()
        : item.tone === 'paused'
          ? CodebaseIcons.pause()
          : CodebaseIcons.index();
  return (
    <button
      type="button"
      className={`codebase-status codebase-status--${item.tone}`}
      data-testid="codebase-status"
      data-state={status?.state}
      title={item.tooltip}
      onClick={() => api.runCommand('codebase.search')}
    >
      <span className={`codebase-status__icon${item.tone === 'busy' ? ' codebase-status__icon--spin' : ''}`}>
        {icon}
      </span>
      {item.text}
    </button>
  );
}
