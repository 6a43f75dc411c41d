// Ctrl/Cmd+Shift+P: every registered command (the workbench's and the features'), with its key binding.
import { useMemo } from 'react';
import type { RegisteredCommand, WorkbenchController } from '../workbench/controller';
import { Picker } from './Picker';

const textOf = (command: RegisteredCommand) => command.title;
const keyOf = (command: RegisteredCommand) => command.id;

export function CommandPalette({ workbench }: { workbench: WorkbenchController }) {
  const commands = useMemo(() => workbench.listCommands().sort((a, b) => a.title.localeCompare(b.title)), [workbench]);
  return (
    <Picker
      items={commands}
      placeholder="Type a command"
      emptyText="No matching commands"
      textOf={textOf}
      keyOf={keyOf}
      onClose={() => workbench.patch({ overlay: null })}
      onPick={(command) => workbench.runCommand(command.id)}
      render={(command, highlight) => (
        <>
          <span className="picker__label">{highlight(command.title)}</span>
          {command.shortcut && <kbd className="picker__kbd">{command.shortcut}</kbd>}
        </>
      )}
    />
  );
}
