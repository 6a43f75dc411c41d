// Ctrl/Cmd+Shift+P (and F1): every registered command (the workbench's and the features') and the active editor's
// own actions, each with its key binding (palette-commands.ts).
import { useMemo } from 'react';
import type { WorkbenchController } from '../workbench/controller';
import { Picker } from './Picker';
import { type PaletteCommand, paletteCommands } from './palette-commands';

const textOf = (command: PaletteCommand) => command.title;
const keyOf = (command: PaletteCommand) => command.key;

export function CommandPalette({ workbench }: { workbench: WorkbenchController }) {
  const commands = useMemo(
    () =>
      paletteCommands(
        workbench.listCommands(),
        (id) => workbench.runCommand(id),
        workbench.api.editor(),
        (id) => workbench.shortcutFor(id),
      ),
    [workbench],
  );
  return (
    <Picker
      items={commands}
      placeholder="Type a command"
      emptyText="No matching commands"
      textOf={textOf}
      keyOf={keyOf}
      onClose={() => workbench.patch({ overlay: null })}
      onPick={(command) => command.run()}
      render={(command, highlight) => (
        <>
          <span className="picker__label">{highlight(command.title)}</span>
          {command.shortcut && <kbd className="picker__kbd">{command.shortcut}</kbd>}
        </>
      )}
    />
  );
}
