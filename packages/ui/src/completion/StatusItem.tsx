// The completion status bar item: what state inline suggestions are in and the model in use; a click opens a quick
// pick to turn them off or on everywhere, for the active file's language, or to snooze them for five minutes.
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { Picker } from '../quickopen/Picker';
import { useObservable } from '../workbench/observable';
import type { CompletionController } from './controller';
import { statusLabel, statusTitle } from './status';

interface MenuItem {
  id: string;
  label: string;
  run(): void | Promise<void>;
}

export function CompletionStatusItem({ controller }: { controller: CompletionController }) {
  const status = useObservable(controller.status);
  const [open, setOpen] = useState(false);
  const [, setTick] = useState(0);
  // a snooze counts down by the minute: drawn again every 15 s while it lasts
  useEffect(() => {
    if (status.phase !== 'snoozed') return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 15_000);
    return () => clearInterval(timer);
  }, [status.phase]);
  const items = (): MenuItem[] => {
    const list: MenuItem[] = [];
    const globalOn = status.phase !== 'off';
    list.push({
      id: 'global',
      label: globalOn ? 'Turn Off Inline Suggestions' : 'Turn On Inline Suggestions',
      run: () => controller.toggleGlobal(),
    });
    const language = controller.activeLanguage();
    if (language) {
      list.push({
        id: 'language',
        label:
          status.phase === 'off-language'
            ? `Turn On Inline Suggestions for ${language}`
            : `Turn Off Inline Suggestions for ${language}`,
        run: () => controller.toggleLanguage(language),
      });
    }
    list.push({
      id: 'snooze',
      label: status.phase === 'snoozed' ? 'Resume Inline Suggestions' : 'Snooze Inline Suggestions for 5 Minutes',
      run: () => controller.toggleSnooze(),
    });
    return list;
  };
  return (
    <>
      <button
        type="button"
        className="status-item"
        data-testid="completion-status"
        data-phase={status.phase}
        title={statusTitle(status)}
        onClick={() => setOpen(true)}
      >
        {statusLabel(status, Date.now())}
      </button>
      {open &&
        createPortal(
          <Picker<MenuItem>
            items={items()}
            placeholder="Inline suggestions"
            textOf={(item) => item.label}
            keyOf={(item) => item.id}
            render={(item, highlight) => (
              <span data-testid={`completion-menu-${item.id}`}>{highlight(item.label)}</span>
            )}
            onPick={(item) => void item.run()}
            onClose={() => setOpen(false)}
            emptyText="No matching action"
          />,
          document.body,
        )}
    </>
  );
}
