// The workbench's own commands (save, quick open, palette, layout toggles) with their default key bindings.
import type { CommandContribution } from './contributions';
import type { WorkbenchController } from './controller';
import { EXPLORER_VIEW } from './layout';

export function builtInCommands(workbench: WorkbenchController): CommandContribution[] {
  const state = () => workbench.state.value;
  return [
    { id: 'workbench.save', title: 'File: Save', keybinding: 'Mod+S', run: () => void workbench.save() },
    { id: 'workbench.saveAll', title: 'File: Save All', keybinding: 'Mod+Alt+S', run: () => workbench.saveAll() },
    {
      id: 'workbench.toggleAutoSave',
      title: 'File: Toggle Auto Save',
      run: () => {
        const enabled = !workbench.autoSave.enabled.value;
        workbench.autoSave.set(enabled);
        workbench.notify(
          enabled ? 'Auto save is on: files are saved a second after you stop typing.' : 'Auto save is off.',
        );
      },
    },
    {
      id: 'workbench.quickOpen',
      title: 'Go to File…',
      keybinding: 'Mod+P',
      run: () => workbench.patch({ overlay: 'quickOpen' }),
    },
    {
      id: 'workbench.commandPalette',
      title: 'Show All Commands',
      keybinding: 'Mod+Shift+P',
      run: () => workbench.patch({ overlay: 'palette' }),
    },
    {
      id: 'workbench.openFolder',
      title: 'File: Open Folder…',
      keybinding: 'Mod+O',
      run: () => workbench.openFolder(),
    },
    {
      id: 'workbench.closeEditor',
      // Mod+W closes the browser tab in browser mode and cannot be intercepted there
      title: 'View: Close Editor',
      keybinding: 'Alt+W',
      run: () => {
        const active = state().tabs.active;
        if (active) void workbench.closeTab(active);
      },
    },
    {
      id: 'workbench.toggleSidebar',
      title: 'View: Toggle Side Bar',
      keybinding: 'Mod+B',
      run: () => workbench.patch({ sideView: state().sideView ? null : EXPLORER_VIEW }),
    },
    {
      id: 'workbench.togglePanel',
      title: 'View: Toggle Panel',
      keybinding: 'Mod+J',
      run: () => workbench.patch({ panelView: state().panelView ? null : (workbench.panelViews[0]?.id ?? null) }),
    },
    {
      id: 'workbench.showExplorer',
      title: 'View: Show Explorer',
      keybinding: 'Mod+Shift+E',
      run: () => workbench.showView(EXPLORER_VIEW),
    },
  ];
}
